using System.Text.Json;
using Commerce.Catalog.Products;
using Commerce.Catalog.Search.Elasticsearch;

namespace Commerce.Tests.Catalog.Elasticsearch;

/// <summary>Parsing responses in the shapes the Elasticsearch 8 reference documents for each API.</summary>
public sealed class ElasticsearchResponseTests
{
    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public void A_search_response_gives_ids_in_hit_order_the_total_and_both_facets()
    {
        var result = ElasticsearchResponses.Search(Parse("""
            {
              "took": 5, "timed_out": false,
              "_shards": { "total": 1, "successful": 1, "skipped": 0, "failed": 0 },
              "hits": {
                "total": { "value": 23, "relation": "eq" },
                "max_score": null,
                "hits": [
                  { "_index": "products-v1-20250601", "_id": "17", "_score": 530.0, "sort": [530.0, 17] },
                  { "_index": "products-v1-20250601", "_id": "4", "_score": 330.0, "sort": [330.0, 4] }
                ]
              },
              "aggregations": {
                "brands": { "doc_count": 30, "names": { "doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": [
                  { "key": "Stride", "doc_count": 7 }, { "key": "Aerolite", "doc_count": 12 }, { "key": "Bolt", "doc_count": 7 } ] } },
                "categories": { "doc_count": 23, "names": { "doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": [
                  { "key": "Running Shoes", "doc_count": 20 }, { "key": "Hiking Boots", "doc_count": 3 } ] } }
              }
            }
            """));
        Assert.Equal([17, 4], result.ProductIds);
        Assert.Equal(23, result.Total);
        // Count first, then name: the PostgreSQL order, whatever order the buckets came in.
        Assert.Equal([new FacetCount("Aerolite", 12), new FacetCount("Bolt", 7), new FacetCount("Stride", 7)], result.Brands);
        Assert.Equal([new FacetCount("Running Shoes", 20), new FacetCount("Hiking Boots", 3)], result.Categories);
    }

    [Fact]
    public void An_empty_search_response_is_an_empty_page()
    {
        var result = ElasticsearchResponses.Search(Parse("""
            { "took": 1, "timed_out": false, "hits": { "total": { "value": 0, "relation": "eq" }, "max_score": null, "hits": [] },
              "aggregations": { "brands": { "doc_count": 0, "names": { "doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": [] } },
                                "categories": { "doc_count": 0, "names": { "doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": [] } } } }
            """));
        Assert.Empty(result.ProductIds);
        Assert.Equal(0, result.Total);
        Assert.Empty(result.Brands);
        Assert.Empty(result.Categories);
    }

    [Fact]
    public void Suggestion_names_come_from_the_source_once_each()
    {
        var names = ElasticsearchResponses.Names(Parse("""
            { "hits": { "total": { "value": 3, "relation": "eq" }, "hits": [
              { "_index": "p", "_id": "1", "_score": 2.1, "_source": { "name": "Running Shoes" } },
              { "_index": "p", "_id": "2", "_score": 2.0, "_source": { "name": "Trail Running Shoes" } },
              { "_index": "p", "_id": "3", "_score": 1.9, "_source": { "name": "Running Shoes" } } ] } }
            """));
        Assert.Equal(["Running Shoes", "Trail Running Shoes"], names);
    }

    [Fact]
    public void The_mapping_response_names_the_indices_behind_the_alias_and_their_versions()
    {
        var versions = ElasticsearchResponses.MappingVersions(Parse("""
            {
              "products-v1-20250601103000123": { "mappings": { "dynamic": "strict", "_meta": { "mapping_version": 1 }, "properties": { "id": { "type": "integer" } } } },
              "products": { "mappings": { "properties": { "id": { "type": "long" } } } }
            }
            """));
        Assert.Equal(2, versions.Count);
        Assert.Equal(1, versions["products-v1-20250601103000123"]);
        Assert.Null(versions["products"]);
    }

    [Fact]
    public void A_bulk_response_without_errors_is_a_success()
    {
        Assert.Null(ElasticsearchResponses.BulkFailure(Parse("""
            { "took": 30, "errors": false, "items": [
              { "index": { "_index": "test", "_id": "1", "_version": 1, "result": "created", "_shards": { "total": 2, "successful": 1, "failed": 0 }, "status": 201, "_seq_no": 0, "_primary_term": 1 } } ] }
            """)));
    }

    [Fact]
    public void Version_conflicts_and_missing_deletes_are_not_failures_but_other_item_errors_are()
    {
        Assert.Null(ElasticsearchResponses.BulkFailure(Parse("""
            { "took": 3, "errors": true, "items": [
              { "index": { "_index": "test", "_id": "1", "status": 409,
                           "error": { "type": "version_conflict_engine_exception", "reason": "[1]: version conflict, current version [4] is higher than the one provided [3]", "index": "test" } } },
              { "delete": { "_index": "test", "_id": "2", "_version": 1, "result": "not_found", "status": 404 } } ] }
            """)));
        Assert.Equal("index of 5: mapper_parsing_exception: failed to parse field [price] of type [scaled_float]", ElasticsearchResponses.BulkFailure(Parse("""
            { "took": 3, "errors": true, "items": [
              { "index": { "_index": "test", "_id": "4", "status": 201, "result": "created" } },
              { "index": { "_index": "test", "_id": "5", "status": 400,
                           "error": { "type": "mapper_parsing_exception", "reason": "failed to parse field [price] of type [scaled_float]" } } } ] }
            """)));
    }

    [Fact]
    public void An_error_response_reads_as_type_and_reason()
    {
        Assert.Equal("index_not_found_exception: no such index [products]", ElasticsearchResponses.Error(Parse("""
            { "error": { "root_cause": [ { "type": "index_not_found_exception", "reason": "no such index [products]", "index": "products" } ],
                         "type": "index_not_found_exception", "reason": "no such index [products]", "index": "products" }, "status": 404 }
            """)));
    }

    [Fact]
    public void Cat_indices_in_json_lists_index_names()
    {
        Assert.Equal(["products-v1-1", "products-v1-2"], ElasticsearchResponses.CatIndices(Parse("""[ { "index": "products-v1-1" }, { "index": "products-v1-2" } ]""")));
    }
}
