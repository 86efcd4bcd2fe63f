namespace Commerce.Web.Domain;

/// <summary>
/// How many sign-in attempts are evaluated, counted per client address and per pair of e-mail
/// address and client. A stranger's guesses use up only their own pair's budget, so they cannot
/// lock the owner out; a client guessing across many addresses runs out of its own budget. The
/// e-mail is counted whether or not an account has it, so being throttled says nothing about
/// who has an account. Attempts are reserved before the password is checked, so concurrent
/// guesses cannot get more evaluations than the limit.
/// </summary>
public sealed class SignInThrottlePolicy
{
    /// <summary>The configuration section the limits and windows are read from; unset ones keep the defaults below.</summary>
    public const string SectionName = "SignInThrottle";

    /// <summary>Attempts on one e-mail address from one client per <see cref="PairWindow"/>; a success starts again.</summary>
    public int PairLimit { get; init; } = 5;
    public TimeSpan PairWindow { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Failed attempts (sign-ins and refused registrations) from one client per <see cref="ClientWindow"/>.</summary>
    public int ClientLimit { get; init; } = 30;
    public TimeSpan ClientWindow { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>A window that began at or before this instant is over, and counting starts again.</summary>
    public DateTimeOffset PairWindowExpiredBefore(DateTimeOffset now) => now - PairWindow;

    public DateTimeOffset ClientWindowExpiredBefore(DateTimeOffset now) => now - ClientWindow;

    /// <summary>
    /// The verdict on the attempt numbered <paramref name="attempt"/> (this one included) in a
    /// window that started at <paramref name="windowStart"/>: null to evaluate it, else how long to wait.
    /// </summary>
    public static TimeSpan? Verdict(int attempt, int limit, DateTimeOffset windowStart, TimeSpan window, DateTimeOffset now)
    {
        if (attempt <= limit)
        {
            return null;
        }

        var wait = windowStart + window - now;
        return wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);
    }

    public TimeSpan? PairVerdict(int attempt, DateTimeOffset windowStart, DateTimeOffset now) =>
        Verdict(attempt, PairLimit, windowStart, PairWindow, now);

    public TimeSpan? ClientVerdict(int attempt, DateTimeOffset windowStart, DateTimeOffset now) =>
        Verdict(attempt, ClientLimit, windowStart, ClientWindow, now);
}
