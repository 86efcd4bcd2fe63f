using System.Text.Json;
using Commerce.Catalog.Caching;
using Microsoft.Extensions.Options;

namespace Commerce.Catalog.Search.Elasticsearch;

/// <summary>
/// Product search on Elasticsearch. Whenever Elasticsearch cannot answer (not built yet, unreachable,
/// slow, an error), that request is answered by <see cref="CachedProductSearch"/> over PostgreSQL
/// instead: the storefront keeps working, only with PostgreSQL's ranking. The query client's short
/// timeout and circuit breaker keep a dead Elasticsearch from slowing every search down.
/// </summary>
/// <remarks>
/// Elasticsearch answers are not put in the Redis search cache: the index follows product changes
/// through events a moment after they commit, and a cached answer from that moment would outlive it.
/// </remarks>
public sealed partial class ElasticsearchProductSearch(
    ProductSearchIndex index,
    CachedProductSearch fallback,
    SearchIndexState state,
    IOptions<ElasticsearchOptions> options,
    ILogger<ElasticsearchProductSearch> logger) : IProductSearch
{
    private readonly string _alias = options.Value.IndexAlias;

    public async Task<ProductSearchResult> SearchAsync(ProductSearchQuery query, CancellationToken cancellationToken)
    {
        var words = SearchText.Words(query.Text);
        if (words.Count == 0 && !string.IsNullOrWhiteSpace(query.Text))
        {
            // Only punctuation, symbols or emoji: nothing to look for (as on PostgreSQL).
            return new ProductSearchResult([], 0, [], []);
        }

        if (!state.IsReady || query.Page * query.PageSize > ElasticsearchRequests.MaxResultWindow)
        {
            return await fallback.SearchAsync(query, cancellationToken);
        }

        try
        {
            var response = await index.SearchAsync<ProductName>(ElasticsearchRequests.Search(_alias, query, words), cancellationToken);
            var result = ElasticsearchResponses.Search(response);
            Succeeded();
            return result;
        }
        catch (Exception ex) when (IsElasticsearchFailure(ex, cancellationToken))
        {
            Failed(ex);
            return await fallback.SearchAsync(query, cancellationToken);
        }
    }

    public async Task<IReadOnlyList<string>> SuggestAsync(string text, int limit, CancellationToken cancellationToken)
    {
        var words = SearchText.Words(text);
        if (words.Count == 0)
        {
            return [];
        }

        if (!state.IsReady)
        {
            return await fallback.SuggestAsync(text, limit, cancellationToken);
        }

        try
        {
            foreach (var phase in Enum.GetValues<ElasticsearchRequests.SuggestPhase>())
            {
                var response = await index.SearchAsync<ProductName>(ElasticsearchRequests.Suggest(_alias, words, phase, limit * 8), cancellationToken);
                var names = ElasticsearchResponses.Names(response);
                if (names.Count > 0)
                {
                    Succeeded();
                    return Facets.OrderedSuggestions(names, limit);
                }
            }

            Succeeded();
            return [];
        }
        catch (Exception ex) when (IsElasticsearchFailure(ex, cancellationToken))
        {
            Failed(ex);
            return await fallback.SuggestAsync(text, limit, cancellationToken);
        }
    }

    internal static bool IsElasticsearchFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is HttpRequestException or ElasticsearchException or Elastic.Transport.TransportException or JsonException or KeyNotFoundException
            or InvalidOperationException or FormatException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private void Succeeded()
    {
        if (state.ReportQuerySuccess())
        {
            LogRecovered(logger);
        }
    }

    private void Failed(Exception ex)
    {
        if (state.ReportQueryFailure())
        {
            LogFallingBack(logger, ex.Message, ex);
        }
        else
        {
            LogStillFailing(logger, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Elasticsearch could not answer ({Reason}); searches are answered by PostgreSQL until it does")]
    private static partial void LogFallingBack(ILogger logger, string reason, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Elasticsearch still failing ({Reason}); answered by PostgreSQL")]
    private static partial void LogStillFailing(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Elasticsearch answers searches again")]
    private static partial void LogRecovered(ILogger logger);
}
