using System.Globalization;
using Commerce.Catalog.Products;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Aggregations;
using Elastic.Clients.Elasticsearch.IndexManagement;
using Elastic.Clients.Elasticsearch.Mapping;

namespace Commerce.Catalog.Search.Elasticsearch;

/// <summary>Reads what search and indexing need from the official client's typed responses.</summary>
public static class ElasticsearchResponses
{
    /// <summary>Ids in hit order, the total, and the two facet aggregations of <see cref="ElasticsearchRequests.Search"/>.</summary>
    public static ProductSearchResult Search<T>(SearchResponse<T> response)
    {
        var ids = response.Hits.Select(hit => int.Parse(hit.Id!, NumberStyles.None, CultureInfo.InvariantCulture)).ToList();
        var total = response.HitsMetadata?.Total?.Match(hits => hits?.Value, count => (long?)count)
            ?? throw new FormatException("The search response has no hits.total.");
        var aggregations = response.Aggregations ?? throw new FormatException("The search response has no aggregations.");
        return new ProductSearchResult(ids, total, Facet(aggregations, ElasticsearchRequests.BrandFacet), Facet(aggregations, ElasticsearchRequests.CategoryFacet));
    }

    /// <summary>The distinct <c>_source.name</c> values of the hits, in hit order.</summary>
    public static List<string> Names(SearchResponse<ProductName> response) =>
        response.Hits.Select(hit => hit.Source?.Name).OfType<string>().Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// The concrete indices behind <c>GET /{alias}/_mapping</c> with the mapping version each
    /// carries in <c>_meta</c> (null when it has none).
    /// </summary>
    public static Dictionary<string, int?> MappingVersions(GetMappingResponse response) =>
        response.Mappings.ToDictionary(index => index.Key, index => MappingVersion(index.Value.Mappings), StringComparer.Ordinal);

    private static int? MappingVersion(TypeMapping? mapping) =>
        mapping?.Meta is { } meta && meta.TryGetValue(ElasticsearchRequests.MappingVersionKey, out var value)
            ? value switch
            {
                int i => i,
                long l => (int)l,
                System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Number } e => e.GetInt32(),
                _ => int.TryParse(value?.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : null,
            }
            : null;

    /// <summary>
    /// The first failed item of a <c>_bulk</c> response, or null when every item succeeded. A version
    /// conflict is not a failure: a newer version of that product is already indexed. A delete of a
    /// missing document is not one either.
    /// </summary>
    public static string? BulkFailure(BulkResponse response)
    {
        if (!response.Errors)
        {
            return null;
        }

        foreach (var item in response.Items)
        {
            if (item.Status is >= 200 and < 300 or 409 || (item.Status == 404 && item.Operation == "delete"))
            {
                continue;
            }

            var reason = item.Error is { } error ? $"{error.Type}: {error.Reason}" : $"status {item.Status}";
            return $"{item.Operation} of {item.Id}: {reason}";
        }

        return null;
    }

    private static List<FacetCount> Facet(AggregateDictionary aggregations, string name)
    {
        var terms = aggregations.GetFilter(name)?.Aggregations?.GetStringTerms(ElasticsearchRequests.FacetTerms)
            ?? throw new FormatException($"The search response has no '{name}' facet.");
        // The same order as the PostgreSQL facets, whatever order the buckets came in.
        return Facets.Ordered(terms.Buckets.Select(b => new FacetCount(b.Key.TryGetString(out var key) ? key : b.Key.ToString(), b.DocCount)).ToList());
    }
}
