using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Commerce.Catalog.Search.Elasticsearch;

/// <summary>
/// The request bodies sent to Elasticsearch 8 (REST API, JSON). Pure functions of their inputs, so
/// each is unit-tested against the JSON it must produce.
/// </summary>
public static class ElasticsearchRequests
{
    /// <summary>
    /// Bump whenever <see cref="IndexDefinition"/> changes: a running index with another version is
    /// rebuilt at start-up and swapped in.
    /// </summary>
    public const int MappingVersion = 1;

    /// <summary>Longest prefix indexed for as-you-type matching; longer query words are cut to it.</summary>
    public const int MaxGram = 20;

    /// <summary>Terms aggregations return every brand and category up to this many.</summary>
    public const int MaxFacetValues = 1000;

    /// <summary>Elasticsearch's default <c>index.max_result_window</c>: deeper pages are not asked of it.</summary>
    public const int MaxResultWindow = 10_000;

    // Per query word, the best field decides: an exact (prefix) match in the name beats one in brand or
    // category, which beats one in the description; any exact match beats a typo-tolerant one. The
    // scores are constants so that the tiers hold whatever the field lengths and term frequencies.
    private static readonly (string Field, int Boost)[] Fields = [("name", 3), ("brand.text", 2), ("category.text", 2), ("description", 1)];
    private const int ExactFactor = 100;
    private const int FuzzyFactor = 10;

    /// <summary><c>PUT /{index}</c>: settings with the as-you-type analyzers and the explicit mapping.</summary>
    public static JsonObject IndexDefinition()
    {
        JsonObject AutocompleteText() => new() { ["type"] = "text", ["analyzer"] = "autocomplete", ["search_analyzer"] = "autocomplete_search" };

        return new JsonObject
        {
            ["settings"] = new JsonObject
            {
                ["number_of_shards"] = 1,
                ["analysis"] = new JsonObject
                {
                    ["filter"] = new JsonObject
                    {
                        ["autocomplete_edge"] = new JsonObject { ["type"] = "edge_ngram", ["min_gram"] = 1, ["max_gram"] = MaxGram },
                        ["autocomplete_truncate"] = new JsonObject { ["type"] = "truncate", ["length"] = MaxGram },
                    },
                    ["analyzer"] = new JsonObject
                    {
                        // Indexed: every word and each of its prefixes, so "runn" finds "running".
                        ["autocomplete"] = new JsonObject
                        {
                            ["type"] = "custom",
                            ["tokenizer"] = "standard",
                            ["filter"] = new JsonArray("lowercase", "asciifolding", "autocomplete_edge"),
                        },
                        // Searched: whole words only (no n-grams of the query), cut to the longest indexed prefix.
                        ["autocomplete_search"] = new JsonObject
                        {
                            ["type"] = "custom",
                            ["tokenizer"] = "standard",
                            ["filter"] = new JsonArray("lowercase", "asciifolding", "autocomplete_truncate"),
                        },
                    },
                },
            },
            ["mappings"] = new JsonObject
            {
                ["dynamic"] = "strict",
                ["_meta"] = new JsonObject { ["mapping_version"] = MappingVersion },
                ["properties"] = new JsonObject
                {
                    ["id"] = new JsonObject { ["type"] = "integer" },
                    ["name"] = With(AutocompleteText(), "fields", new JsonObject { ["sort"] = new JsonObject { ["type"] = "keyword" } }),
                    ["description"] = AutocompleteText(),
                    ["brand"] = new JsonObject { ["type"] = "keyword", ["fields"] = new JsonObject { ["text"] = AutocompleteText() } },
                    ["category"] = new JsonObject { ["type"] = "keyword", ["fields"] = new JsonObject { ["text"] = AutocompleteText() } },
                    ["price"] = new JsonObject { ["type"] = "scaled_float", ["scaling_factor"] = 100 },
                    ["created_at"] = new JsonObject { ["type"] = "date" },
                },
            },
        };
    }

    /// <summary>
    /// <c>POST /{alias}/_search</c> for a page: every word must match some field (exactly as a prefix,
    /// or within AUTO fuzziness), price filters the query; brand and category filter only the hits
    /// (<c>post_filter</c>) so that each facet, a filter aggregation with the other one, counts with
    /// every filter but its own.
    /// </summary>
    public static JsonObject Search(ProductSearchQuery query, IReadOnlyList<string> words)
    {
        var must = new JsonArray();
        foreach (var word in words)
        {
            must.Add(WordClause(word));
        }

        var filter = new JsonArray();
        if (query.MinPrice is not null || query.MaxPrice is not null)
        {
            var range = new JsonObject();
            if (query.MinPrice is { } min)
            {
                range["gte"] = min;
            }

            if (query.MaxPrice is { } max)
            {
                range["lte"] = max;
            }

            filter.Add(new JsonObject { ["range"] = new JsonObject { ["price"] = range } });
        }

        var body = new JsonObject
        {
            ["from"] = (query.Page - 1) * query.PageSize,
            ["size"] = query.PageSize,
            ["track_total_hits"] = true,
            ["_source"] = false,
            ["query"] = Bool(must, filter),
        };

        var postFilter = new JsonArray();
        if (query.Brand is not null)
        {
            postFilter.Add(Term("brand", query.Brand));
        }

        if (query.Category is not null)
        {
            postFilter.Add(Term("category", query.Category));
        }

        if (postFilter.Count > 0)
        {
            body["post_filter"] = new JsonObject { ["bool"] = new JsonObject { ["filter"] = postFilter } };
        }

        body["aggs"] = new JsonObject
        {
            ["brands"] = FacetAggregation("brand", query.Category is null ? null : Term("category", query.Category)),
            ["categories"] = FacetAggregation("category", query.Brand is null ? null : Term("brand", query.Brand)),
        };
        body["sort"] = Sort(query.Sort, words.Count > 0);
        return body;
    }

    /// <summary>How <see cref="Suggest"/> looks for completions, tried in this order until one finds names.</summary>
    public enum SuggestPhase
    {
        /// <summary>Every word starts a word of the name.</summary>
        NamePrefix,

        /// <summary>Every word starts a word of the name, brand or category.</summary>
        AnyPrefix,

        /// <summary>As <see cref="NamePrefix"/>, with typos.</summary>
        NameFuzzy,

        /// <summary>As <see cref="AnyPrefix"/>, with typos.</summary>
        AnyFuzzy,
    }

    /// <summary>
    /// <c>POST /{alias}/_search</c> for product names completing <paramref name="words"/>. Like the
    /// PostgreSQL search, a typed word is corrected only when nothing starts with it, so a later
    /// phase runs only when the earlier found nothing.
    /// </summary>
    public static JsonObject Suggest(IReadOnlyList<string> words, SuggestPhase phase, int size)
    {
        var fuzzy = phase is SuggestPhase.NameFuzzy or SuggestPhase.AnyFuzzy;
        string[] fields = phase is SuggestPhase.NamePrefix or SuggestPhase.NameFuzzy ? ["name"] : ["name", "brand.text", "category.text"];
        var must = new JsonArray();
        foreach (var word in words)
        {
            var match = new JsonObject
            {
                ["query"] = word,
                ["fields"] = new JsonArray([.. fields.Select(f => (JsonNode)f)]),
                ["operator"] = "and",
            };
            if (fuzzy)
            {
                match["fuzziness"] = "AUTO";
                match["prefix_length"] = 1;
            }

            must.Add(new JsonObject { ["multi_match"] = match });
        }

        return new JsonObject
        {
            ["size"] = size,
            ["_source"] = new JsonArray("name"),
            ["query"] = Bool(must, []),
        };
    }

    /// <summary><c>POST /_bulk</c> body (NDJSON, one action line and one source line per product, ending in a newline).</summary>
    public static string Bulk(string index, IEnumerable<ProductDocument> documents, IEnumerable<int>? deletes = null)
    {
        var text = new StringBuilder();
        foreach (var document in documents)
        {
            text.Append(new JsonObject
            {
                ["index"] = new JsonObject
                {
                    ["_index"] = index,
                    ["_id"] = document.Id.ToString(CultureInfo.InvariantCulture),
                    ["version"] = document.Version,
                    ["version_type"] = "external_gte",
                },
            }.ToJsonString()).Append('\n');
            text.Append(document.ToJson().ToJsonString()).Append('\n');
        }

        foreach (var id in deletes ?? [])
        {
            text.Append(new JsonObject
            {
                ["delete"] = new JsonObject { ["_index"] = index, ["_id"] = id.ToString(CultureInfo.InvariantCulture) },
            }.ToJsonString()).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// <c>POST /_aliases</c>: in one atomic step the alias leaves the old indices and points at the
    /// new one, so a search sees either the old index or the complete new one.
    /// </summary>
    public static JsonObject SwapAlias(string alias, string newIndex, IEnumerable<string> oldIndices)
    {
        var actions = new JsonArray();
        foreach (var old in oldIndices)
        {
            actions.Add(new JsonObject { ["remove"] = new JsonObject { ["index"] = old, ["alias"] = alias } });
        }

        actions.Add(new JsonObject { ["add"] = new JsonObject { ["index"] = newIndex, ["alias"] = alias } });
        return new JsonObject { ["actions"] = actions };
    }

    /// <summary>
    /// The path of a single-document write through the alias: the product's version as an external
    /// version (an older read can never replace a newer one), and <c>require_alias</c> so that a write
    /// before the first build fails instead of auto-creating a plain index under the alias's name.
    /// </summary>
    public static string IndexDocumentPath(string alias, ProductDocument document) =>
        $"{Uri.EscapeDataString(alias)}/_doc/{document.Id.ToString(CultureInfo.InvariantCulture)}?version={document.Version.ToString(CultureInfo.InvariantCulture)}&version_type=external_gte&require_alias=true";

    public static string DeleteDocumentPath(string alias, int id) =>
        $"{Uri.EscapeDataString(alias)}/_doc/{id.ToString(CultureInfo.InvariantCulture)}";

    public static string NewIndexName(string alias, DateTimeOffset now) =>
        $"{alias}-v{MappingVersion.ToString(CultureInfo.InvariantCulture)}-{now.UtcDateTime.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture)}";

    private static JsonObject WordClause(string word)
    {
        var queries = new JsonArray();
        foreach (var (field, boost) in Fields)
        {
            queries.Add(ConstantScore(Match(field, word, fuzzy: false), boost * ExactFactor));
        }

        foreach (var (field, boost) in Fields)
        {
            queries.Add(ConstantScore(Match(field, word, fuzzy: true), boost * FuzzyFactor));
        }

        return new JsonObject { ["dis_max"] = new JsonObject { ["queries"] = queries } };
    }

    private static JsonObject Match(string field, string word, bool fuzzy)
    {
        var match = new JsonObject { ["query"] = word, ["operator"] = "and" };
        if (fuzzy)
        {
            // The first letter must be right: fewer false friends, and far fewer terms to expand.
            match["fuzziness"] = "AUTO";
            match["prefix_length"] = 1;
        }

        return new JsonObject { ["match"] = new JsonObject { [field] = match } };
    }

    private static JsonObject ConstantScore(JsonObject filter, int boost) =>
        new() { ["constant_score"] = new JsonObject { ["filter"] = filter, ["boost"] = boost } };

    private static JsonObject Term(string field, string value) =>
        new() { ["term"] = new JsonObject { [field] = value } };

    private static JsonObject Bool(JsonArray must, JsonArray filter)
    {
        if (must.Count == 0 && filter.Count == 0)
        {
            return new JsonObject { ["match_all"] = new JsonObject() };
        }

        var query = new JsonObject();
        if (must.Count > 0)
        {
            query["must"] = must;
        }

        if (filter.Count > 0)
        {
            query["filter"] = filter;
        }

        return new JsonObject { ["bool"] = query };
    }

    private static JsonObject FacetAggregation(string field, JsonObject? otherFilter) => new()
    {
        ["filter"] = otherFilter ?? new JsonObject { ["match_all"] = new JsonObject() },
        ["aggs"] = new JsonObject
        {
            ["names"] = new JsonObject { ["terms"] = new JsonObject { ["field"] = field, ["size"] = MaxFacetValues } },
        },
    };

    private static JsonArray Sort(ProductSort sort, bool hasText)
    {
        JsonObject By(string field, string order) => new() { [field] = new JsonObject { ["order"] = order } };
        var first = sort switch
        {
            ProductSort.Relevance when hasText => By("_score", "desc"),
            ProductSort.PriceAscending => By("price", "asc"),
            ProductSort.PriceDescending => By("price", "desc"),
            ProductSort.Name => By("name.sort", "asc"),
            _ => By("created_at", "desc"),
        };
        return new JsonArray(first, By("id", "asc"));
    }

    private static JsonObject With(JsonObject target, string key, JsonNode value)
    {
        target[key] = value;
        return target;
    }
}
