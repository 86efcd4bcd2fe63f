using System.Text;
using System.Text.Json.Nodes;
using Commerce.Catalog.Search;
using Commerce.Catalog.Search.Elasticsearch;
using Elastic.Clients.Elasticsearch;

namespace Commerce.Tests.Catalog.Elasticsearch;

/// <summary>
/// Every request Catalog sends to Elasticsearch, as the official client puts it on the wire, against
/// the JSON it must be. The shapes follow the Elasticsearch 9 reference (create index, analysis, mapping types, bool/dis_max/constant_score/
/// match queries, post_filter, filter and terms aggregations, sort, _bulk, _aliases), in the forms the
/// client writes and the reference accepts: <c>aggregations</c> for <c>aggs</c>, a term's long form
/// (<c>{ "value": … }</c>), and a lone clause, field or source field as a single value instead of a one-element array.
/// </summary>
public sealed class ElasticsearchRequestTests
{
    private static readonly ElasticsearchClient Client = ElasticsearchWire.Sending();

    private static JsonNode? Sent(SearchRequest request) => ElasticsearchWire.Body(Client.Search<ProductName>(request));

    private static JsonNode? Search(ProductSearchQuery query, IReadOnlyList<string> words) => Sent(ElasticsearchRequests.Search("products", query, words));

    private static JsonNode? Suggest(IReadOnlyList<string> words, ElasticsearchRequests.SuggestPhase phase, int size) =>
        Sent(ElasticsearchRequests.Suggest("products", words, phase, size));

    private static ProductSearchQuery Query(string? text = null, string? brand = null, string? category = null, decimal? min = null, decimal? max = null,
        ProductSort sort = ProductSort.Relevance, int page = 1, int pageSize = 20) => new(text, brand, category, min, max, sort, page, pageSize);

    private const string Facets = """
        "aggregations": {
          "brands": { "filter": { "match_all": {} }, "aggregations": { "names": { "terms": { "field": "brand", "size": 1000 } } } },
          "categories": { "filter": { "match_all": {} }, "aggregations": { "names": { "terms": { "field": "category", "size": 1000 } } } }
        }
        """;

    private static string WordClause(string word) => $$"""
        { "dis_max": { "queries": [
          { "constant_score": { "filter": { "match": { "name":          { "query": "{{word}}", "operator": "and" } } }, "boost": 300 } },
          { "constant_score": { "filter": { "match": { "brand.text":    { "query": "{{word}}", "operator": "and" } } }, "boost": 200 } },
          { "constant_score": { "filter": { "match": { "category.text": { "query": "{{word}}", "operator": "and" } } }, "boost": 200 } },
          { "constant_score": { "filter": { "match": { "description":   { "query": "{{word}}", "operator": "and" } } }, "boost": 100 } },
          { "constant_score": { "filter": { "match": { "name":          { "query": "{{word}}", "operator": "and", "fuzziness": "AUTO", "prefix_length": 1 } } }, "boost": 30 } },
          { "constant_score": { "filter": { "match": { "brand.text":    { "query": "{{word}}", "operator": "and", "fuzziness": "AUTO", "prefix_length": 1 } } }, "boost": 20 } },
          { "constant_score": { "filter": { "match": { "category.text": { "query": "{{word}}", "operator": "and", "fuzziness": "AUTO", "prefix_length": 1 } } }, "boost": 20 } },
          { "constant_score": { "filter": { "match": { "description":   { "query": "{{word}}", "operator": "and", "fuzziness": "AUTO", "prefix_length": 1 } } }, "boost": 10 } }
        ] } }
        """;

    [Fact]
    public void The_index_has_edge_ngram_text_keyword_facets_scaled_price_and_a_mapping_version()
    {
        JsonAssert.Equal("""
            {
              "settings": {
                "number_of_shards": 1,
                "analysis": {
                  "filter": {
                    "autocomplete_edge": { "type": "edge_ngram", "min_gram": 1, "max_gram": 20 },
                    "autocomplete_truncate": { "type": "truncate", "length": 20 }
                  },
                  "analyzer": {
                    "autocomplete": { "type": "custom", "tokenizer": "standard", "filter": ["lowercase", "asciifolding", "autocomplete_edge"] },
                    "autocomplete_search": { "type": "custom", "tokenizer": "standard", "filter": ["lowercase", "asciifolding", "autocomplete_truncate"] }
                  }
                }
              },
              "mappings": {
                "dynamic": "strict",
                "_meta": { "mapping_version": 1 },
                "properties": {
                  "id": { "type": "integer" },
                  "name": { "type": "text", "analyzer": "autocomplete", "search_analyzer": "autocomplete_search", "fields": { "sort": { "type": "keyword" } } },
                  "description": { "type": "text", "analyzer": "autocomplete", "search_analyzer": "autocomplete_search" },
                  "brand": { "type": "keyword", "fields": { "text": { "type": "text", "analyzer": "autocomplete", "search_analyzer": "autocomplete_search" } } },
                  "category": { "type": "keyword", "fields": { "text": { "type": "text", "analyzer": "autocomplete", "search_analyzer": "autocomplete_search" } } },
                  "price": { "type": "scaled_float", "scaling_factor": 100 },
                  "created_at": { "type": "date" }
                }
              }
            }
            """, ElasticsearchWire.Body(Client.Indices.Create(ElasticsearchRequests.CreateIndex("products-v1-1"))));
    }

    [Fact]
    public void A_listing_without_text_matches_all_newest_first_with_facets()
    {
        JsonAssert.Equal($$"""
            {
              "from": 0, "size": 20, "track_total_hits": true, "_source": false,
              "query": { "match_all": {} },
              {{Facets}},
              "sort": [ { "created_at": { "order": "desc" } }, { "id": { "order": "asc" } } ]
            }
            """, Search(Query(), []));
    }

    [Fact]
    public void Each_word_must_match_with_name_over_brand_and_category_over_description_and_exact_over_typo()
    {
        JsonAssert.Equal($$"""
            {
              "from": 0, "size": 20, "track_total_hits": true, "_source": false,
              "query": { "bool": { "must": [ {{WordClause("runing")}}, {{WordClause("shoes")}} ] } },
              {{Facets}},
              "sort": [ { "_score": { "order": "desc" } }, { "id": { "order": "asc" } } ]
            }
            """, Search(Query("Runing shoes!"), SearchText.Words("Runing shoes!")));
    }

    [Fact]
    public void Price_filters_the_query_brand_and_category_filter_hits_and_each_facet_ignores_only_its_own_filter()
    {
        JsonAssert.Equal($$"""
            {
              "from": 20, "size": 10, "track_total_hits": true, "_source": false,
              "query": { "bool": {
                "must": {{WordClause("shoes")}},
                "filter": { "range": { "price": { "gte": 10.5, "lte": 99.99 } } }
              } },
              "post_filter": { "bool": { "filter": [ { "term": { "brand": { "value": "Aerolite" } } }, { "term": { "category": { "value": "Running Shoes" } } } ] } },
              "aggregations": {
                "brands": { "filter": { "term": { "category": { "value": "Running Shoes" } } }, "aggregations": { "names": { "terms": { "field": "brand", "size": 1000 } } } },
                "categories": { "filter": { "term": { "brand": { "value": "Aerolite" } } }, "aggregations": { "names": { "terms": { "field": "category", "size": 1000 } } } }
              },
              "sort": [ { "price": { "order": "asc" } }, { "id": { "order": "asc" } } ]
            }
            """, Search(Query("shoes", "Aerolite", "Running Shoes", 10.5m, 99.99m, ProductSort.PriceAscending, page: 3, pageSize: 10), ["shoes"]));
    }

    [Fact]
    public void A_minimum_price_alone_is_an_open_range()
    {
        var body = Search(Query(min: 5m), [])!;
        JsonAssert.Equal("""{ "bool": { "filter": { "range": { "price": { "gte": 5 } } } } }""", body["query"]);
    }

    [Theory]
    [InlineData(ProductSort.Relevance, false, """[ { "created_at": { "order": "desc" } }, { "id": { "order": "asc" } } ]""")]
    [InlineData(ProductSort.Relevance, true, """[ { "_score": { "order": "desc" } }, { "id": { "order": "asc" } } ]""")]
    [InlineData(ProductSort.PriceAscending, true, """[ { "price": { "order": "asc" } }, { "id": { "order": "asc" } } ]""")]
    [InlineData(ProductSort.PriceDescending, false, """[ { "price": { "order": "desc" } }, { "id": { "order": "asc" } } ]""")]
    [InlineData(ProductSort.Name, true, """[ { "name.sort": { "order": "asc" } }, { "id": { "order": "asc" } } ]""")]
    [InlineData(ProductSort.Newest, true, """[ { "created_at": { "order": "desc" } }, { "id": { "order": "asc" } } ]""")]
    public void Every_sort_ends_with_the_id_so_pages_are_stable(ProductSort sort, bool withText, string expected)
    {
        var words = withText ? new[] { "yoga" } : [];
        JsonAssert.Equal(expected, Search(Query(withText ? "yoga" : null, sort: sort), words)!["sort"]);
    }

    [Fact]
    public void Suggestions_try_name_prefixes_then_any_field_then_typos()
    {
        JsonAssert.Equal("""
            { "size": 64, "_source": { "includes": "name" }, "query": { "bool": { "must":
              { "multi_match": { "query": "espr", "fields": "name", "operator": "and" } }
            } } }
            """, Suggest(["espr"], ElasticsearchRequests.SuggestPhase.NamePrefix, 64));
        JsonAssert.Equal("""
            { "size": 8, "_source": { "includes": "name" }, "query": { "bool": { "must":
              { "multi_match": { "query": "brewm", "fields": ["name", "brand.text", "category.text"], "operator": "and" } }
            } } }
            """, Suggest(["brewm"], ElasticsearchRequests.SuggestPhase.AnyPrefix, 8));
        JsonAssert.Equal("""
            { "size": 8, "_source": { "includes": "name" }, "query": { "bool": { "must": [
              { "multi_match": { "query": "headphnes", "fields": "name", "operator": "and", "fuzziness": "AUTO", "prefix_length": 1 } },
              { "multi_match": { "query": "x", "fields": "name", "operator": "and", "fuzziness": "AUTO", "prefix_length": 1 } }
            ] } } }
            """, Suggest(["headphnes", "x"], ElasticsearchRequests.SuggestPhase.NameFuzzy, 8));
        JsonAssert.Equal("""
            { "size": 8, "_source": { "includes": "name" }, "query": { "bool": { "must":
              { "multi_match": { "query": "brewmastr", "fields": ["name", "brand.text", "category.text"], "operator": "and", "fuzziness": "AUTO", "prefix_length": 1 } }
            } } }
            """, Suggest(["brewmastr"], ElasticsearchRequests.SuggestPhase.AnyFuzzy, 8));
        Assert.Equal(
            [ElasticsearchRequests.SuggestPhase.NamePrefix, ElasticsearchRequests.SuggestPhase.AnyPrefix, ElasticsearchRequests.SuggestPhase.NameFuzzy, ElasticsearchRequests.SuggestPhase.AnyFuzzy],
            Enum.GetValues<ElasticsearchRequests.SuggestPhase>());
    }

    [Fact]
    public void Bulk_is_ndjson_with_external_versions_and_ends_with_a_newline()
    {
        var created = new DateTimeOffset(2025, 6, 1, 12, 30, 0, TimeSpan.FromHours(2));
        var sent = Client.Bulk(ElasticsearchRequests.Bulk("products-v1-20250601",
            [new ProductDocument(7, 3, "Trail \"Pro\" Shoes", "On the trail", "Aerolite", "Running Shoes", 89.5m, created)],
            [9]));
        Assert.Equal("POST /_bulk", ElasticsearchWire.Target(sent));
        var lines = ElasticsearchWire.Text(sent).Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.Equal(string.Empty, lines[3]);
        JsonAssert.Equal("""{ "index": { "_index": "products-v1-20250601", "_id": "7", "version": 3, "version_type": "external_gte" } }""", JsonNode.Parse(lines[0]));
        JsonAssert.Equal("""
            { "id": 7, "name": "Trail \"Pro\" Shoes", "description": "On the trail", "brand": "Aerolite", "category": "Running Shoes",
              "price": 89.5, "created_at": "2025-06-01T12:30:00+02:00" }
            """, JsonNode.Parse(lines[1]));
        JsonAssert.Equal("""{ "delete": { "_index": "products-v1-20250601", "_id": "9" } }""", JsonNode.Parse(lines[2]));
    }

    [Fact]
    public void The_alias_swap_removes_and_adds_in_one_request()
    {
        JsonAssert.Equal("""
            { "actions": [
              { "remove": { "index": "products-v1-1", "alias": "products" } },
              { "add": { "index": "products-v2-2", "alias": "products" } }
            ] }
            """, ElasticsearchWire.Body(Client.Indices.UpdateAliases(ElasticsearchRequests.SwapAlias("products", "products-v2-2", ["products-v1-1"]))));
        JsonAssert.Equal("""{ "actions": [ { "add": { "index": "products-v1-3", "alias": "products" } } ] }""",
            ElasticsearchWire.Body(Client.Indices.UpdateAliases(ElasticsearchRequests.SwapAlias("products", "products-v1-3", []))));
    }

    [Fact]
    public void Single_document_writes_go_through_the_alias_with_the_product_version()
    {
        var document = new ProductDocument(42, 5, "n", "d", "b", "c", 1m, DateTimeOffset.UnixEpoch);
        var indexed = Client.Index(ElasticsearchRequests.IndexDocument("products", document));
        Assert.Equal("PUT /products/_doc/42?version=5&version_type=external_gte&require_alias=true", ElasticsearchWire.Target(indexed));
        JsonAssert.Equal("""
            { "id": 42, "name": "n", "description": "d", "brand": "b", "category": "c", "price": 1, "created_at": "1970-01-01T00:00:00+00:00" }
            """, ElasticsearchWire.Body(indexed));
        Assert.Equal("DELETE /products/_doc/42", ElasticsearchWire.Target(Client.Delete(ElasticsearchRequests.DeleteDocument("products", 42))));
        Assert.Equal("products-v1-20250601103000123", ElasticsearchRequests.NewIndexName("products", new DateTimeOffset(2025, 6, 1, 10, 30, 0, 123, TimeSpan.Zero)));
    }

    [Fact]
    public void The_connection_string_gives_a_base_address_without_credentials_and_a_basic_header()
    {
        var connection = ElasticsearchConnection.Parse("http://elastic:p%40ss:w@search.local:9200");
        Assert.Equal(new Uri("http://search.local:9200/"), connection.BaseAddress);
        Assert.Equal("http://search.local:9200", connection.ToString());
        Assert.Equal("Basic", connection.Authorization!.Scheme);
        Assert.Equal("elastic:p@ss:w", Encoding.UTF8.GetString(Convert.FromBase64String(connection.Authorization.Parameter!)));
        Assert.Null(ElasticsearchConnection.Parse("https://127.0.0.1:9243").Authorization);
    }

    [Theory]
    [InlineData("elastic:secret@host:9200")]
    [InlineData("ftp://elastic:secret@host:9200")]
    [InlineData("not a uri secret")]
    public void A_bad_connection_string_is_refused_without_repeating_it(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ElasticsearchConnection.Parse(value));
        Assert.Contains("ConnectionStrings__search", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }
}
