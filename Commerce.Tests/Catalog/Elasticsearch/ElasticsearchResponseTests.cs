using Commerce.Catalog.Products;
using Commerce.Catalog.Search.Elasticsearch;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.IndexManagement;

namespace Commerce.Tests.Catalog.Elasticsearch;

/// <summary>
/// Reading responses in the shapes the Elasticsearch 9 reference documents for each API, as the
/// official client deserialises them (aggregation names carry their type: the client asks with
/// <c>typed_keys=true</c>).
/// </summary>
public sealed class ElasticsearchResponseTests
{
    private static SearchResponse<ProductName> Search(string json) =>
        ElasticsearchWire.Answering(json).Search<ProductName>(new SearchRequest("products"));

    private static GetMappingResponse Mapping(string json) =>
        ElasticsearchWire.Answering(json).Indices.GetMapping(new GetMappingRequest("products"));

    private static BulkResponse Bulk(string json) =>
        ElasticsearchWire.Answering(json).Bulk(ElasticsearchRequests.Bulk("test", [], [1]));

    [Fact]
    public void A_search_response_gives_ids_in_hit_order_the_total_and_both_facets()
    {
        var result = ElasticsearchResponses.Search(Search("""
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
                "filter#brands": { "doc_count": 30, "sterms#names": { "doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": [
                  { "key": "Stride", "doc_count": 7 }, { "key": "Aerolite", "doc_count": 12 }, { "key": "Bolt", "doc_count": 7 } ] } },
                "filter#categories": { "doc_count": 23, "sterms#names": { "doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": [
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
        var result = ElasticsearchResponses.Search(Search("""
            { "took": 1, "timed_out": false, "hits": { "total": { "value": 0, "relation": "eq" }, "max_score": null, "hits": [] },
              "aggregations": { "filter#brands": { "doc_count": 0, "sterms#names": { "doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": [] } },
                                "filter#categories": { "doc_count": 0, "sterms#names": { "doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": [] } } } }
            """));
        Assert.Empty(result.ProductIds);
        Assert.Equal(0, result.Total);
        Assert.Empty(result.Brands);
        Assert.Empty(result.Categories);
    }

    [Fact]
    public void Suggestion_names_come_from_the_source_once_each()
    {
        var names = ElasticsearchResponses.Names(Search("""
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
        var versions = ElasticsearchResponses.MappingVersions(Mapping("""
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
        Assert.Null(ElasticsearchResponses.BulkFailure(Bulk("""
            { "took": 30, "errors": false, "items": [
              { "index": { "_index": "test", "_id": "1", "_version": 1, "result": "created", "_shards": { "total": 2, "successful": 1, "failed": 0 }, "status": 201, "_seq_no": 0, "_primary_term": 1 } } ] }
            """)));
    }

    [Fact]
    public void Version_conflicts_and_missing_deletes_are_not_failures_but_other_item_errors_are()
    {
        Assert.Null(ElasticsearchResponses.BulkFailure(Bulk("""
            { "took": 3, "errors": true, "items": [
              { "index": { "_index": "test", "_id": "1", "status": 409,
                           "error": { "type": "version_conflict_engine_exception", "reason": "[1]: version conflict, current version [4] is higher than the one provided [3]", "index": "test" } } },
              { "delete": { "_index": "test", "_id": "2", "_version": 1, "result": "not_found", "status": 404 } } ] }
            """)));
        Assert.Equal("index of 5: mapper_parsing_exception: failed to parse field [price] of type [scaled_float]", ElasticsearchResponses.BulkFailure(Bulk("""
            { "took": 3, "errors": true, "items": [
              { "index": { "_index": "test", "_id": "4", "status": 201, "result": "created" } },
              { "index": { "_index": "test", "_id": "5", "status": 400,
                           "error": { "type": "mapper_parsing_exception", "reason": "failed to parse field [price] of type [scaled_float]" } } } ] }
            """)));
    }
}
