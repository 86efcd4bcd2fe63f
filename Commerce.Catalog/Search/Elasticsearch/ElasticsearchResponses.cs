using System.Globalization;
using System.Text.Json;
using Commerce.Catalog.Products;

namespace Commerce.Catalog.Search.Elasticsearch;

/// <summary>Reads the parts of Elasticsearch 8 responses that search and indexing need.</summary>
public static class ElasticsearchResponses
{
    /// <summary>Ids in hit order, <c>hits.total.value</c>, and the two facet aggregations of <see cref="ElasticsearchRequests.Search"/>.</summary>
    public static ProductSearchResult Search(JsonElement response)
    {
        var hits = response.GetProperty("hits");
        var ids = new List<int>();
        foreach (var hit in hits.GetProperty("hits").EnumerateArray())
        {
            ids.Add(int.Parse(hit.GetProperty("_id").GetString()!, NumberStyles.None, CultureInfo.InvariantCulture));
        }

        var total = hits.GetProperty("total").GetProperty("value").GetInt64();
        var aggregations = response.GetProperty("aggregations");
        return new ProductSearchResult(ids, total, Facet(aggregations, "brands"), Facet(aggregations, "categories"));
    }

    /// <summary>The distinct <c>_source.name</c> values of the hits, in hit order.</summary>
    public static List<string> Names(JsonElement response)
    {
        var names = new List<string>();
        foreach (var hit in response.GetProperty("hits").GetProperty("hits").EnumerateArray())
        {
            if (hit.TryGetProperty("_source", out var source) && source.TryGetProperty("name", out var name) && name.GetString() is { } text && !names.Contains(text))
            {
                names.Add(text);
            }
        }

        return names;
    }

    /// <summary>
    /// The concrete indices behind <c>GET /{alias}/_mapping</c> with the mapping version each
    /// carries in <c>_meta</c> (null when it has none).
    /// </summary>
    public static Dictionary<string, int?> MappingVersions(JsonElement response)
    {
        var versions = new Dictionary<string, int?>(StringComparer.Ordinal);
        foreach (var index in response.EnumerateObject())
        {
            int? version = null;
            if (index.Value.TryGetProperty("mappings", out var mappings) && mappings.TryGetProperty("_meta", out var meta)
                && meta.TryGetProperty("mapping_version", out var value) && value.ValueKind == JsonValueKind.Number)
            {
                version = value.GetInt32();
            }

            versions[index.Name] = version;
        }

        return versions;
    }

    /// <summary>Index names from <c>GET /_cat/indices/{pattern}?format=json&amp;h=index</c>.</summary>
    public static List<string> CatIndices(JsonElement response) =>
        response.EnumerateArray().Select(i => i.GetProperty("index").GetString()!).ToList();

    /// <summary>
    /// The first failed item of a <c>_bulk</c> response, or null when every item succeeded. A version
    /// conflict is not a failure: a newer version of that product is already indexed. A delete of a
    /// missing document is not one either.
    /// </summary>
    public static string? BulkFailure(JsonElement response)
    {
        if (!response.GetProperty("errors").GetBoolean())
        {
            return null;
        }

        foreach (var item in response.GetProperty("items").EnumerateArray())
        {
            foreach (var action in item.EnumerateObject())
            {
                var status = action.Value.GetProperty("status").GetInt32();
                if (status is >= 200 and < 300 or 409 || (status == 404 && action.Name == "delete"))
                {
                    continue;
                }

                var reason = action.Value.TryGetProperty("error", out var error) ? Error(error) : $"status {status}";
                return $"{action.Name} of {action.Value.GetProperty("_id").GetString()}: {reason}";
            }
        }

        return null;
    }

    /// <summary><c>type: reason</c> from an error response's <c>error</c> object (or its text).</summary>
    public static string Error(JsonElement error) => error.ValueKind switch
    {
        JsonValueKind.Object when error.TryGetProperty("error", out var inner) => Error(inner),
        JsonValueKind.Object => $"{(error.TryGetProperty("type", out var t) ? t.GetString() : "error")}: {(error.TryGetProperty("reason", out var r) ? r.GetString() : error.GetRawText())}",
        JsonValueKind.String => error.GetString() ?? string.Empty,
        _ => error.GetRawText(),
    };

    private static List<FacetCount> Facet(JsonElement aggregations, string name)
    {
        var facets = new List<FacetCount>();
        foreach (var bucket in aggregations.GetProperty(name).GetProperty("names").GetProperty("buckets").EnumerateArray())
        {
            facets.Add(new FacetCount(bucket.GetProperty("key").GetString()!, bucket.GetProperty("doc_count").GetInt64()));
        }

        // The same order as the PostgreSQL facets, whatever order the buckets came in.
        return Facets.Ordered(facets);
    }
}
