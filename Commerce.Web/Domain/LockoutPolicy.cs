namespace Commerce.Web.Domain;

/// <summary>
/// When repeated wrong passwords lock an account, and for how long. Counting is per account, so
/// guessing one shopper's password does not lock anybody else out.
/// </summary>
public sealed class LockoutPolicy
{
    public int MaxFailedAttempts { get; init; } = 5;
    public TimeSpan LockoutDuration { get; init; } = TimeSpan.FromMinutes(15);

    public bool IsLockedOut(DateTimeOffset? lockoutEnd, DateTimeOffset now) => lockoutEnd is { } end && end > now;

    /// <summary>The lockout end that <paramref name="failedAttempts"/> consecutive failures earn, if any.</summary>
    public DateTimeOffset? LockoutAfter(int failedAttempts, DateTimeOffset now) =>
        failedAttempts >= MaxFailedAttempts ? now + LockoutDuration : null;
}
