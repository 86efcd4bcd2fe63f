using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Commerce.Recommendations.Contracts;
using Commerce.ServiceDefaults.Http;

namespace Commerce.Web.Services;

/// <summary>
/// Recommendations' public API. A nicety, never in a page's way: it gets a short timeout and a
/// circuit breaker of its own, and every failure (no address configured, no answer, timeout, open
/// breaker, an error status, an unreadable answer) is an empty list, so the page renders without
/// the section.
/// </summary>
public sealed partial class RecommendationsClient(HttpClient http, IConfiguration configuration, ILogger<RecommendationsClient> logger)
{
    public const string ServiceName = "recommendations";

    private bool Configured =>
        configuration.GetSection($"services:{ServiceName}:http").Exists() || configuration.GetSection($"services:{ServiceName}:https").Exists();

    public Task<IReadOnlyList<int>> ForProductAsync(int productId, int take, CancellationToken cancellationToken) =>
        IdsAsync<ProductRecommendations>(string.Create(CultureInfo.InvariantCulture, $"api/recommendations/products/{productId}?take={take}"),
            list => (list.Items ?? []).Select(i => i.ProductId), cancellationToken);

    public Task<IReadOnlyList<int>> TrendingAsync(int take, CancellationToken cancellationToken) =>
        IdsAsync<TrendingProducts>(string.Create(CultureInfo.InvariantCulture, $"api/recommendations/trending?take={take}"),
            list => (list.Items ?? []).Select(i => i.ProductId), cancellationToken);

    private async Task<IReadOnlyList<int>> IdsAsync<T>(string path, Func<T, IEnumerable<int>> ids, CancellationToken cancellationToken)
        where T : class
    {
        if (!Configured)
        {
            return [];
        }

        try
        {
            using var response = await http.GetAsync(path, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                LogSkipped(logger, path, $"it answered {(int)response.StatusCode}");
                return [];
            }

            var list = await response.Content.ReadFromJsonAsync<T>(cancellationToken);
            return list is null ? [] : ids(list).ToList();
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogSkipped(logger, path, ex.Message);
            return [];
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recommendations left out of the page: {Path} failed ({Reason})")]
    private static partial void LogSkipped(ILogger logger, string path, string reason);
}

public static class RecommendationsRegistration
{
    /// <summary>
    /// The Recommendations client and the shelves' data. Unlike the services a sale needs, a missing
    /// <c>services:recommendations</c> address does not stop the storefront: the sections stay away.
    /// The client's own resilience: 600 ms per attempt, 1 s in all, one quick retry, and a breaker
    /// that opens for 15 s when half of at least 4 calls in 10 s failed, so a slow or dead service
    /// costs a page at most a second, and nothing while the breaker is open. Tunable under
    /// <c>HttpResilience:Clients:recommendations</c>.
    /// </summary>
    public static IServiceCollection AddRecommendations(this IServiceCollection services)
    {
        services.AddHttpClient<RecommendationsClient>(RecommendationsClient.ServiceName,
                client => client.BaseAddress = new Uri($"https+http://{RecommendationsClient.ServiceName}"))
            .AddClientResilience(o =>
            {
                o.AttemptTimeout.Timeout = TimeSpan.FromMilliseconds(600);
                o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(1);
                o.Retry.MaxRetryAttempts = 1;
                o.Retry.Delay = TimeSpan.FromMilliseconds(50);
                o.CircuitBreaker.FailureRatio = 0.5;
                o.CircuitBreaker.MinimumThroughput = 4;
                o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(10);
                o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(15);
            });
        services.AddScoped<RecommendedProducts>();
        return services;
    }
}
