using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Commerce.Tests.Infrastructure;

/// <summary>Reads one check of a service's <c>/health</c> (whatever the overall status code, 200 or 503).</summary>
public static partial class HealthProbe
{
    public static async Task<JsonElement> CheckAsync(HttpClient client, string check)
    {
        using var response = await client.GetAsync("health");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("checks").TryGetProperty(check, out var entry), $"/health has no check '{check}': {body}");
        return entry.Clone();
    }

    public static async Task<JsonElement> WaitForAsync(HttpClient client, string check, string status, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        JsonElement entry;
        do
        {
            entry = await CheckAsync(client, check);
            if (entry.GetProperty("status").GetString() == status)
            {
                return entry;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"The health check '{check}' did not turn {status}: {entry}");
        return entry;
    }

    /// <summary>
    /// For a background loop whose dependency just failed: waits until its check turns Degraded with
    /// the reason, stays failing for ten back-off caps and asserts that the loop kept trying meanwhile
    /// (its failure count grew at the capped pace) and that the host did not begin to stop.
    /// Returns the check as it was at the end.
    /// </summary>
    public static async Task<JsonElement> AssertLoopKeepsTryingAsync(HttpClient client, string check, TimeSpan backoffCap, CancellationToken hostStopping)
    {
        var failing = await WaitForAsync(client, check, "Degraded");
        Assert.Contains("Failing since", failing.GetProperty("description").GetString());
        await Task.Delay(backoffCap * 10);
        var later = await CheckAsync(client, check);
        Assert.Equal("Degraded", later.GetProperty("status").GetString());
        Assert.True(ConsecutiveFailures(later) > ConsecutiveFailures(failing) + 5, $"The loop stopped trying: {failing} then {later}");
        Assert.False(hostStopping.IsCancellationRequested, "The host began stopping while the dependency failed.");
        return later;
    }

    /// <summary>How many passes in a row a failing background loop's check reports (0 when it does not say).</summary>
    public static int ConsecutiveFailures(JsonElement entry) =>
        entry.GetProperty("description").GetString() is { } d && PassesInARow().Match(d) is { Success: true } m ? int.Parse(m.Groups[1].Value) : 0;

    [GeneratedRegex(@"\((\d+) passes in a row\)")]
    private static partial Regex PassesInARow();
}
