namespace Commerce.Recommendations.Domain;

/// <summary>Units of one product paid for within one minute.</summary>
public readonly record struct SalesBucket(int ProductId, DateTimeOffset Minute, int Units);

public sealed record TrendingProduct(int ProductId, int Units, double Score);

/// <summary>
/// "Trending now": units paid for in the sliding window (the last hour by default), a recent unit
/// weighing more than an old one, so a product taking off passes one that sold as much an hour ago.
/// Weight falls linearly from 1 (now) to <see cref="OldestWeight"/> at the window's far end;
/// sales outside the window count nothing.
/// </summary>
public static class TrendingScore
{
    public const double OldestWeight = 0.5;

    public static double Weight(DateTimeOffset at, DateTimeOffset now, TimeSpan window)
    {
        var age = now - at;
        if (age >= window)
        {
            return 0;
        }

        // A clock a little ahead elsewhere must not make a sale weigh more than one of now.
        var fraction = Math.Max(0, age.TotalSeconds) / window.TotalSeconds;
        return 1 - (1 - OldestWeight) * fraction;
    }

    /// <summary>The products sold in the window, best first: score, then units, then id (a stable order for caches and tests).</summary>
    public static IReadOnlyList<TrendingProduct> Rank(IEnumerable<SalesBucket> sales, DateTimeOffset now, TimeSpan window, int take)
    {
        if (window <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "The trending window must be positive.");
        }

        return sales
            .Select(s => (s.ProductId, s.Units, Weight: Weight(s.Minute, now, window)))
            .Where(s => s.Weight > 0 && s.Units > 0)
            .GroupBy(s => s.ProductId)
            .Select(g => new TrendingProduct(g.Key, g.Sum(s => s.Units), g.Sum(s => s.Units * s.Weight)))
            .OrderByDescending(p => p.Score).ThenByDescending(p => p.Units).ThenBy(p => p.ProductId)
            .Take(Math.Max(0, take))
            // Rounded only for the answer: ranking on the exact score keeps a sale of now ahead of one a second older.
            .Select(p => p with { Score = Math.Round(p.Score, 3) })
            .ToList();
    }
}
