using System.Net;
using System.Security.Cryptography;
using System.Text;
using Commerce.Web.Data;
using Commerce.Web.Domain;
using Microsoft.EntityFrameworkCore;

namespace Commerce.Web.Accounts;

/// <summary>
/// The counters <see cref="SignInThrottlePolicy"/> decides on, in the identity database so every
/// replica shares them. Each attempt is counted by one atomic upsert before the password is
/// checked: concurrent guesses each get their own number, and only those within the limit are
/// evaluated. E-mail addresses are stored hashed with the client, never in clear.
/// </summary>
public sealed class SignInThrottle(IdentityDb db, SignInThrottlePolicy policy, TimeProvider time)
{
    private sealed record Count(int Attempts, DateTimeOffset WindowStart);

    /// <summary>Counts a sign-in attempt; null when it may be evaluated, else how long the client must wait.</summary>
    public async Task<TimeSpan?> TrySignInAsync(string normalizedEmail, IPAddress? client, CancellationToken cancellationToken)
    {
        var wait = await CountClientAsync(client, cancellationToken);
        if (wait is not null)
        {
            return wait;
        }

        var now = time.GetUtcNow();
        var pair = await IncrementAsync(PairKey(normalizedEmail, client), policy.PairWindowExpiredBefore(now), now, cancellationToken);
        return policy.PairVerdict(pair.Attempts, pair.WindowStart, now);
    }

    /// <summary>Counts a refused attempt against the client (a taken e-mail at registration); null when it may go on.</summary>
    public async Task<TimeSpan?> CountClientAsync(IPAddress? client, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var count = await IncrementAsync(ClientKey(client), policy.ClientWindowExpiredBefore(now), now, cancellationToken);
        return policy.ClientVerdict(count.Attempts, count.WindowStart, now);
    }

    /// <summary>A correct password: the pair starts again, and the attempt is given back to the client.</summary>
    public async Task SucceededAsync(string normalizedEmail, IPAddress? client, CancellationToken cancellationToken)
    {
        var pairKey = PairKey(normalizedEmail, client);
        var clientKey = ClientKey(client);
        await db.Database.ExecuteSqlAsync($"DELETE FROM sign_in_throttle WHERE key = {pairKey}", cancellationToken);
        await db.Database.ExecuteSqlAsync($"UPDATE sign_in_throttle SET attempts = GREATEST(attempts - 1, 0) WHERE key = {clientKey}", cancellationToken);
    }

    private async Task<Count> IncrementAsync(string key, DateTimeOffset expiredBefore, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The row lock ON CONFLICT takes serialises concurrent attempts on one key.
        var rows = await db.Database.SqlQuery<Count>($"""
            INSERT INTO sign_in_throttle AS t (key, attempts, window_start) VALUES ({key}, 1, {now})
            ON CONFLICT (key) DO UPDATE SET
                attempts = CASE WHEN t.window_start <= {expiredBefore} THEN 1 ELSE t.attempts + 1 END,
                window_start = CASE WHEN t.window_start <= {expiredBefore} THEN {now} ELSE t.window_start END
            RETURNING t.attempts AS "Attempts", t.window_start AS "WindowStart"
            """).ToListAsync(cancellationToken);
        return rows[0];
    }

    private static string ClientKey(IPAddress? client) => "client:" + ClientId(client);

    private static string PairKey(string normalizedEmail, IPAddress? client) =>
        "pair:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedEmail + "|" + ClientId(client))));

    /// <summary>An IPv4 address, or an IPv6 address's /64 (one subscriber holds a whole /64 and can rotate within it).</summary>
    public static string ClientId(IPAddress? client)
    {
        if (client is null)
        {
            return "unknown";
        }

        if (client.IsIPv4MappedToIPv6)
        {
            client = client.MapToIPv4();
        }

        if (client.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return client.ToString();
        }

        var bytes = client.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
