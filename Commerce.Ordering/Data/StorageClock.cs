namespace Commerce.Ordering.Data;

public static class StorageClock
{
    /// <summary>
    /// Now, at PostgreSQL's microsecond precision, so that what a request answers is exactly what a
    /// later read of the same row answers.
    /// </summary>
    public static DateTimeOffset GetStorageNow(this TimeProvider time)
    {
        var now = time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % 10));
    }
}
