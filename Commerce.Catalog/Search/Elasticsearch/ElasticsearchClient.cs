using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Commerce.Catalog.Search.Elasticsearch;

/// <summary>Elasticsearch answered with an error status.</summary>
public sealed class ElasticsearchException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
}

/// <summary>
/// The few Elasticsearch 8 REST calls Catalog makes, over two named HttpClients that both carry the
/// shared resilience handler: <see cref="QueryClientName"/> for searches and health (short timeouts,
/// no retries: PostgreSQL answers instead) and <see cref="IndexingClientName"/> for index upkeep
/// (long timeouts for bulk requests, retries).
/// </summary>
public sealed class ElasticsearchClient(IHttpClientFactory factory)
{
    public const string QueryClientName = "search";
    public const string IndexingClientName = "search-indexing";

    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly MediaTypeHeaderValue NdJson = new("application/x-ndjson");

    private HttpClient Query => factory.CreateClient(QueryClientName);
    private HttpClient Indexing => factory.CreateClient(IndexingClientName);

    public async Task<JsonElement> SearchAsync(string alias, JsonObject body, CancellationToken cancellationToken) =>
        (await SendAsync(Query, HttpMethod.Post, $"{Uri.EscapeDataString(alias)}/_search", Content(body), cancellationToken))!.Value;

    /// <summary><c>HEAD /{alias}</c>: whether the alias (or an index of that name) exists.</summary>
    public async Task<bool> ExistsAsync(string alias, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, Uri.EscapeDataString(alias));
        using var response = await Query.SendAsync(request, cancellationToken);
        return response.StatusCode switch
        {
            HttpStatusCode.OK => true,
            HttpStatusCode.NotFound => false,
            _ => throw new ElasticsearchException(response.StatusCode, $"HEAD /{alias} answered {(int)response.StatusCode}."),
        };
    }

    /// <summary>The indices behind <paramref name="alias"/> and their mapping versions; null when the alias does not exist.</summary>
    public async Task<Dictionary<string, int?>?> GetMappingVersionsAsync(string alias, CancellationToken cancellationToken)
    {
        var response = await SendAsync(Indexing, HttpMethod.Get, $"{Uri.EscapeDataString(alias)}/_mapping", null, cancellationToken, allowNotFound: true);
        return response is null ? null : ElasticsearchResponses.MappingVersions(response.Value);
    }

    public Task CreateIndexAsync(string index, JsonObject definition, CancellationToken cancellationToken) =>
        SendAsync(Indexing, HttpMethod.Put, Uri.EscapeDataString(index), Content(definition), cancellationToken);

    public async Task BulkAsync(string ndjson, CancellationToken cancellationToken)
    {
        var content = new StringContent(ndjson, Encoding.UTF8);
        content.Headers.ContentType = NdJson;
        var response = await SendAsync(Indexing, HttpMethod.Post, "_bulk", content, cancellationToken);
        if (ElasticsearchResponses.BulkFailure(response!.Value) is { } failure)
        {
            throw new ElasticsearchException(HttpStatusCode.OK, $"Bulk indexing failed: {failure}");
        }
    }

    public Task RefreshAsync(string index, CancellationToken cancellationToken) =>
        SendAsync(Indexing, HttpMethod.Post, $"{Uri.EscapeDataString(index)}/_refresh", null, cancellationToken);

    public Task UpdateAliasesAsync(JsonObject actions, CancellationToken cancellationToken) =>
        SendAsync(Indexing, HttpMethod.Post, "_aliases", Content(actions), cancellationToken);

    public Task DeleteIndexAsync(string index, CancellationToken cancellationToken) =>
        SendAsync(Indexing, HttpMethod.Delete, Uri.EscapeDataString(index), null, cancellationToken, allowNotFound: true);

    /// <summary>Names of the indices matching <paramref name="pattern"/> (e.g. <c>products-v*</c>).</summary>
    public async Task<List<string>> ListIndicesAsync(string pattern, CancellationToken cancellationToken)
    {
        var response = await SendAsync(Indexing, HttpMethod.Get, $"_cat/indices/{Uri.EscapeDataString(pattern).Replace("%2A", "*", StringComparison.Ordinal)}?format=json&h=index", null, cancellationToken);
        return ElasticsearchResponses.CatIndices(response!.Value);
    }

    /// <summary>Indexes one product through the alias; false when the alias does not exist yet.</summary>
    public async Task<bool> IndexDocumentAsync(string alias, ProductDocument document, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, ElasticsearchRequests.IndexDocumentPath(alias, document)) { Content = Content(document.ToJson()) };
        using var response = await Indexing.SendAsync(request, cancellationToken);
        // 409: this version or a newer one is already there, which is what a replay should find.
        if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.Conflict)
        {
            return true;
        }

        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        throw await ErrorAsync(response, request, cancellationToken);
    }

    /// <summary>Removes one product through the alias; false when the alias does not exist yet.</summary>
    public async Task<bool> DeleteDocumentAsync(string alias, int id, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, ElasticsearchRequests.DeleteDocumentPath(alias, id));
        using var response = await Indexing.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return true;
        }

        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            // Either the document was already gone (done) or there is no index yet (nothing to remove).
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return body.Contains("\"not_found\"", StringComparison.Ordinal);
        }

        throw await ErrorAsync(response, request, cancellationToken);
    }

    private static StringContent Content(JsonNode body)
    {
        var content = new StringContent(body.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = Json;
        return content;
    }

    private static async Task<JsonElement?> SendAsync(HttpClient http, HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken, bool allowNotFound = false)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        using var response = await http.SendAsync(request, cancellationToken);
        if (allowNotFound && response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw await ErrorAsync(response, request, cancellationToken);
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        return document.RootElement.Clone();
    }

    private static async Task<ElasticsearchException> ErrorAsync(HttpResponseMessage response, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        string reason;
        try
        {
            using var document = JsonDocument.Parse(text);
            reason = ElasticsearchResponses.Error(document.RootElement);
        }
        catch (JsonException)
        {
            reason = text.Length > 200 ? text[..200] : text;
        }

        var path = request.RequestUri?.IsAbsoluteUri == true ? request.RequestUri.PathAndQuery : request.RequestUri?.OriginalString;
        return new ElasticsearchException(response.StatusCode, $"{request.Method} {path} answered {(int)response.StatusCode}: {reason}");
    }
}
