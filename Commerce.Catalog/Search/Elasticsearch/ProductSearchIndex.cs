using System.Net;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.IndexManagement;
using Elastic.Transport;
using Elastic.Transport.Products.Elasticsearch;

namespace Commerce.Catalog.Search.Elasticsearch;

/// <summary>Elasticsearch answered with an error status.</summary>
public sealed class ElasticsearchException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
}

/// <summary>
/// The calls Catalog makes to Elasticsearch, through Elastic's official client over two HttpClient
/// pipelines that carry the project's resilience handler: <see cref="QueryClientName"/> for searches
/// and health (short timeouts, no retries: PostgreSQL answers instead) and
/// <see cref="IndexingClientName"/> for index upkeep (long timeouts for bulk requests, retries).
/// A failed call throws (<see cref="ElasticsearchException"/> for an error answer,
/// <see cref="HttpRequestException"/> when none came), so callers fall back in one place.
/// </summary>
public sealed class ProductSearchIndex
{
    public const string QueryClientName = "search";
    public const string IndexingClientName = "search-indexing";

    private readonly ElasticsearchClient _query;
    private readonly ElasticsearchClient _indexing;

    public ProductSearchIndex(ElasticsearchConnection connection, IHttpMessageHandlerFactory handlers)
    {
        _query = connection.CreateClient(handlers, QueryClientName);
        _indexing = connection.CreateClient(handlers, IndexingClientName);
    }

    public async Task<SearchResponse<TDocument>> SearchAsync<TDocument>(SearchRequest request, CancellationToken cancellationToken) =>
        Ensure(await _query.SearchAsync<TDocument>(request, cancellationToken));

    /// <summary><c>HEAD /{alias}</c>: whether the alias (or an index of that name) exists.</summary>
    public async Task<bool> ExistsAsync(string alias, CancellationToken cancellationToken)
    {
        var response = await _query.Indices.ExistsAsync(alias, cancellationToken);
        return StatusOf(response) switch
        {
            HttpStatusCode.OK => true,
            HttpStatusCode.NotFound => false,
            _ => throw Failure(response),
        };
    }

    /// <summary>The indices behind <paramref name="alias"/> and their mapping versions; null when the alias does not exist.</summary>
    public async Task<Dictionary<string, int?>?> GetMappingVersionsAsync(string alias, CancellationToken cancellationToken)
    {
        var response = await _indexing.Indices.GetMappingAsync(new GetMappingRequest(alias), cancellationToken);
        return StatusOf(response) == HttpStatusCode.NotFound ? null : ElasticsearchResponses.MappingVersions(Ensure(response));
    }

    public async Task CreateIndexAsync(CreateIndexRequest request, CancellationToken cancellationToken) =>
        Ensure(await _indexing.Indices.CreateAsync(request, cancellationToken));

    public async Task BulkAsync(BulkRequest request, CancellationToken cancellationToken)
    {
        var response = Ensure(await _indexing.BulkAsync(request, cancellationToken));
        if (ElasticsearchResponses.BulkFailure(response) is { } failure)
        {
            throw new ElasticsearchException(HttpStatusCode.OK, $"Bulk indexing failed: {failure}");
        }
    }

    public async Task RefreshAsync(string index, CancellationToken cancellationToken) =>
        Ensure(await _indexing.Indices.RefreshAsync(index, cancellationToken));

    public async Task UpdateAliasesAsync(UpdateAliasesRequest request, CancellationToken cancellationToken) =>
        Ensure(await _indexing.Indices.UpdateAliasesAsync(request, cancellationToken));

    public async Task DeleteIndexAsync(string index, CancellationToken cancellationToken)
    {
        var response = await _indexing.Indices.DeleteAsync(index, cancellationToken);
        if (StatusOf(response) != HttpStatusCode.NotFound)
        {
            Ensure(response);
        }
    }

    /// <summary>Names of the indices matching <paramref name="pattern"/> (e.g. <c>products-v*</c>).</summary>
    public async Task<List<string>> ListIndicesAsync(string pattern, CancellationToken cancellationToken) =>
        Ensure(await _indexing.Indices.GetAsync(pattern, cancellationToken)).Indices.Keys.ToList();

    /// <summary>Indexes one product through the alias; false when the alias does not exist yet.</summary>
    public async Task<bool> IndexDocumentAsync(string alias, ProductDocument document, CancellationToken cancellationToken)
    {
        var response = await _indexing.IndexAsync(ElasticsearchRequests.IndexDocument(alias, document), cancellationToken);
        return StatusOf(response) switch
        {
            // 409: this version or a newer one is already there, which is what a replay should find.
            HttpStatusCode.Conflict => true,
            HttpStatusCode.NotFound => false,
            _ => Ensure(response) is not null,
        };
    }

    /// <summary>Removes one product through the alias; false when the alias does not exist yet.</summary>
    public async Task<bool> DeleteDocumentAsync(string alias, int id, CancellationToken cancellationToken)
    {
        var response = await _indexing.DeleteAsync(ElasticsearchRequests.DeleteDocument(alias, id), cancellationToken);
        if (StatusOf(response) == HttpStatusCode.NotFound)
        {
            // Either the document was already gone (done) or there is no index yet (nothing to remove).
            return response.ElasticsearchServerError?.Error?.Type != "index_not_found_exception";
        }

        return Ensure(response) is not null;
    }

    private static HttpStatusCode? StatusOf(ElasticsearchResponse response) =>
        response.ApiCallDetails.HttpStatusCode is { } status ? (HttpStatusCode)status : null;

    private static TResponse Ensure<TResponse>(TResponse response) where TResponse : ElasticsearchResponse =>
        response.IsValidResponse ? response : throw Failure(response);

    private static Exception Failure(ElasticsearchResponse response)
    {
        var call = response.ApiCallDetails;
        var what = $"{call.HttpMethod} {call.Uri?.AbsolutePath}";
        if (call.HttpStatusCode is not { } status)
        {
            // No answer at all: refused, timed out, or the circuit is open.
            return new HttpRequestException($"{what} got no answer: {call.OriginalException?.Message ?? "no reason given"}", call.OriginalException);
        }

        var reason = response.ElasticsearchServerError?.Error is { } error
            ? $"{error.Type}: {error.Reason}"
            : call.OriginalException?.Message ?? "no reason given";
        return new ElasticsearchException((HttpStatusCode)status, $"{what} answered {status}: {reason}");
    }
}
