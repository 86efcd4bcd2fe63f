using System.Globalization;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Aggregations;
using Elastic.Clients.Elasticsearch.Analysis;
using Elastic.Clients.Elasticsearch.Core.Bulk;
using Elastic.Clients.Elasticsearch.Core.Search;
using Elastic.Clients.Elasticsearch.IndexManagement;
using Elastic.Clients.Elasticsearch.Mapping;
using Elastic.Clients.Elasticsearch.QueryDsl;

namespace Commerce.Catalog.Search.Elasticsearch;

/// <summary>
/// The requests sent to Elasticsearch, as the official client's typed requests. Pure functions of
/// their inputs, so each is unit-tested against the JSON the client sends for it.
/// </summary>
public static class ElasticsearchRequests
{
    /// <summary>
    /// Bump whenever <see cref="CreateIndex"/> changes: a running index with another version is
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
    private static readonly (string Field, int Boost)[] WordFields = [("name", 3), ("brand.text", 2), ("category.text", 2), ("description", 1)];
    private const int ExactFactor = 100;
    private const int FuzzyFactor = 10;

    /// <summary><c>PUT /{index}</c>: settings with the as-you-type analyzers and the explicit mapping.</summary>
    public static CreateIndexRequest CreateIndex(string index)
    {
        TextProperty AutocompleteText() => new() { Analyzer = "autocomplete", SearchAnalyzer = "autocomplete_search" };

        return new CreateIndexRequest(index)
        {
            Settings = new IndexSettings
            {
                NumberOfShards = 1,
                Analysis = new IndexSettingsAnalysis
                {
                    TokenFilters = new TokenFilters
                    {
                        { "autocomplete_edge", new EdgeNGramTokenFilter { MinGram = 1, MaxGram = MaxGram } },
                        { "autocomplete_truncate", new TruncateTokenFilter { Length = MaxGram } },
                    },
                    Analyzers = new Analyzers
                    {
                        // Indexed: every word and each of its prefixes, so "runn" finds "running".
                        { "autocomplete", new CustomAnalyzer { Tokenizer = "standard", Filter = ["lowercase", "asciifolding", "autocomplete_edge"] } },
                        // Searched: whole words only (no n-grams of the query), cut to the longest indexed prefix.
                        { "autocomplete_search", new CustomAnalyzer { Tokenizer = "standard", Filter = ["lowercase", "asciifolding", "autocomplete_truncate"] } },
                    },
                },
            },
            Mappings = new TypeMapping
            {
                Dynamic = DynamicMapping.Strict,
                Meta = new Dictionary<string, object> { [MappingVersionKey] = MappingVersion },
                Properties = new Properties
                {
                    { "id", new IntegerNumberProperty() },
                    { "name", new TextProperty { Analyzer = "autocomplete", SearchAnalyzer = "autocomplete_search", Fields = new Properties { { "sort", new KeywordProperty() } } } },
                    { "description", AutocompleteText() },
                    { "brand", new KeywordProperty { Fields = new Properties { { "text", AutocompleteText() } } } },
                    { "category", new KeywordProperty { Fields = new Properties { { "text", AutocompleteText() } } } },
                    { "price", new ScaledFloatNumberProperty { ScalingFactor = 100 } },
                    { "created_at", new DateProperty() },
                },
            },
        };
    }

    /// <summary>Where the mapping carries its version (in <c>_meta</c>).</summary>
    public const string MappingVersionKey = "mapping_version";

    /// <summary>
    /// <c>POST /{alias}/_search</c> for a page: every word must match some field (exactly as a prefix,
    /// or within AUTO fuzziness), price filters the query; brand and category filter only the hits
    /// (<c>post_filter</c>) so that each facet, a filter aggregation with the other one, counts with
    /// every filter but its own.
    /// </summary>
    public static SearchRequest Search(string alias, ProductSearchQuery query, IReadOnlyList<string> words)
    {
        var must = words.Select(WordClause).ToList();
        var filter = new List<Query>();
        if (query.MinPrice is not null || query.MaxPrice is not null)
        {
            filter.Add(new NumberRangeQuery("price")
            {
                Gte = query.MinPrice is { } min ? (double)min : null,
                Lte = query.MaxPrice is { } max ? (double)max : null,
            });
        }

        var postFilter = new List<Query>();
        if (query.Brand is not null)
        {
            postFilter.Add(Term("brand", query.Brand));
        }

        if (query.Category is not null)
        {
            postFilter.Add(Term("category", query.Category));
        }

        return new SearchRequest(alias)
        {
            From = (query.Page - 1) * query.PageSize,
            Size = query.PageSize,
            TrackTotalHits = true,
            Source = false,
            Query = Bool(must, filter),
            PostFilter = postFilter.Count > 0 ? (Query)new BoolQuery { Filter = postFilter } : null,
            Aggregations = new Dictionary<string, Aggregation>
            {
                [BrandFacet] = FacetAggregation("brand", query.Category is null ? null : (Query)Term("category", query.Category)),
                [CategoryFacet] = FacetAggregation("category", query.Brand is null ? null : (Query)Term("brand", query.Brand)),
            },
            Sort = Sort(query.Sort, words.Count > 0),
        };
    }

    /// <summary>The aggregations of <see cref="Search"/>: a filter aggregation each, with the terms under <see cref="FacetTerms"/>.</summary>
    public const string BrandFacet = "brands";

    public const string CategoryFacet = "categories";

    public const string FacetTerms = "names";

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
    public static SearchRequest Suggest(string alias, IReadOnlyList<string> words, SuggestPhase phase, int size)
    {
        var fuzzy = phase is SuggestPhase.NameFuzzy or SuggestPhase.AnyFuzzy;
        string[] fields = phase is SuggestPhase.NamePrefix or SuggestPhase.NameFuzzy ? ["name"] : ["name", "brand.text", "category.text"];
        var must = words.Select(word => (Query)new MultiMatchQuery(word)
        {
            Fields = fields,
            Operator = Operator.And,
            Fuzziness = fuzzy ? new Fuzziness("AUTO") : null,
            PrefixLength = fuzzy ? 1 : null,
        }).ToList();

        return new SearchRequest(alias)
        {
            Size = size,
            Source = new SourceFilter { Includes = "name" },
            Query = Bool(must, []),
        };
    }

    /// <summary>
    /// <c>POST /_bulk</c>: each product indexed with its version as an external version (an older
    /// read never replaces a newer one), and the removed products deleted.
    /// </summary>
    public static BulkRequest Bulk(string index, IEnumerable<ProductDocument> documents, IEnumerable<int>? deletes = null)
    {
        var operations = new BulkOperationsCollection();
        foreach (var document in documents)
        {
            operations.Add(new BulkIndexOperation<ProductDocument>(document, index)
            {
                Id = Id(document.Id),
                Version = document.Version,
                VersionType = VersionType.ExternalGte,
            });
        }

        foreach (var id in deletes ?? [])
        {
            operations.Add(new BulkDeleteOperation(Id(id)) { Index = index });
        }

        return new BulkRequest { Operations = operations };
    }

    /// <summary>
    /// <c>POST /_aliases</c>: in one atomic step the alias leaves the old indices and points at the
    /// new one, so a search sees either the old index or the complete new one.
    /// </summary>
    public static UpdateAliasesRequest SwapAlias(string alias, string newIndex, IEnumerable<string> oldIndices)
    {
        var actions = oldIndices.Select(old => new IndexUpdateAliasesAction { Remove = new RemoveAction { Index = old, Alias = alias } }).ToList();
        actions.Add(new IndexUpdateAliasesAction { Add = new AddAction { Index = newIndex, Alias = alias } });
        return new UpdateAliasesRequest { Actions = actions };
    }

    /// <summary>
    /// A single-document write through the alias: the product's version as an external version, and
    /// <c>require_alias</c> so that a write before the first build fails instead of auto-creating a
    /// plain index under the alias's name.
    /// </summary>
    public static IndexRequest<ProductDocument> IndexDocument(string alias, ProductDocument document) =>
        new(document, alias, Id(document.Id))
        {
            Version = document.Version,
            VersionType = VersionType.ExternalGte,
            RequireAlias = true,
        };

    public static DeleteRequest DeleteDocument(string alias, int id) => new(alias, Id(id));

    public static string NewIndexName(string alias, DateTimeOffset now) =>
        $"{alias}-v{MappingVersion.ToString(CultureInfo.InvariantCulture)}-{now.UtcDateTime.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture)}";

    private static Id Id(int id) => new(id.ToString(CultureInfo.InvariantCulture));

    private static Query WordClause(string word)
    {
        var queries = new List<Query>();
        foreach (var (field, boost) in WordFields)
        {
            queries.Add(new ConstantScoreQuery(Match(field, word, fuzzy: false)) { Boost = boost * ExactFactor });
        }

        foreach (var (field, boost) in WordFields)
        {
            queries.Add(new ConstantScoreQuery(Match(field, word, fuzzy: true)) { Boost = boost * FuzzyFactor });
        }

        return new DisMaxQuery(queries);
    }

    private static MatchQuery Match(string field, string word, bool fuzzy) => new(field, word)
    {
        Operator = Operator.And,
        // The first letter must be right: fewer false friends, and far fewer terms to expand.
        Fuzziness = fuzzy ? new Fuzziness("AUTO") : null,
        PrefixLength = fuzzy ? 1 : null,
    };

    private static TermQuery Term(string field, string value) => new(field, value);

    private static Query Bool(List<Query> must, List<Query> filter) =>
        must.Count == 0 && filter.Count == 0
            ? new MatchAllQuery()
            : new BoolQuery { Must = must.Count > 0 ? must : null, Filter = filter.Count > 0 ? filter : null };

    private static Aggregation FacetAggregation(string field, Query? otherFilter) => new()
    {
        Filter = otherFilter ?? new MatchAllQuery(),
        Aggregations = new Dictionary<string, Aggregation>
        {
            [FacetTerms] = new TermsAggregation { Field = field, Size = MaxFacetValues },
        },
    };

    private static List<SortOptions> Sort(ProductSort sort, bool hasText)
    {
        SortOptions By(string field, SortOrder order) => new FieldSort(field) { Order = order };
        var first = sort switch
        {
            ProductSort.Relevance when hasText => new SortOptions { Score = new ScoreSort { Order = SortOrder.Desc } },
            ProductSort.PriceAscending => By("price", SortOrder.Asc),
            ProductSort.PriceDescending => By("price", SortOrder.Desc),
            ProductSort.Name => By("name.sort", SortOrder.Asc),
            _ => By("created_at", SortOrder.Desc),
        };
        return [first, By("id", SortOrder.Asc)];
    }
}
