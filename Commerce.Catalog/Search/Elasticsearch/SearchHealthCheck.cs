using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Commerce.Catalog.Search.Elasticsearch;

/// <summary>
/// <c>search</c> in <c>/health</c>: Healthy when the index is current and Elasticsearch answers,
/// otherwise Degraded (never Unhealthy: searches are then answered by PostgreSQL, the shop sells on).
/// The description names the address (never the credentials) and what is wrong.
/// </summary>
public sealed class SearchHealthCheck(ProductSearchIndex index, SearchIndexState state, ElasticsearchConnection connection, IOptions<ElasticsearchOptions> options) : IHealthCheck
{
    public const string Name = "search";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!state.IsReady)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, state.Status);
        }

        try
        {
            return await index.ExistsAsync(options.Value.IndexAlias, cancellationToken)
                ? HealthCheckResult.Healthy($"Elasticsearch at {connection} answers; {state.Status}")
                : new HealthCheckResult(context.Registration.FailureStatus,
                    $"Elasticsearch at {connection} has no index '{options.Value.IndexAlias}'; searches are answered by PostgreSQL. Restart Catalog to rebuild it.");
        }
        catch (Exception ex) when (ElasticsearchProductSearch.IsElasticsearchFailure(ex, cancellationToken))
        {
            return new HealthCheckResult(context.Registration.FailureStatus,
                $"Elasticsearch at {connection} does not answer ({ex.Message}); searches are answered by PostgreSQL.");
        }
    }
}
