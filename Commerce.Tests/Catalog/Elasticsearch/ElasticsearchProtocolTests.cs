using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Commerce.Catalog.Data;
using Commerce.Catalog.Search.Elasticsearch;
using Commerce.Contracts;
using Commerce.Tests.Infrastructure;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace Commerce.Tests.Catalog.Elasticsearch;

/// <summary>
/// The client's request sequence, over real HTTP, against a protocol-level stand-in: a Kestrel app
/// that records every request Catalog sends (through Elastic's official client) and answers with the
/// response shapes the Elasticsearch 9 reference documents, headers included (<c>X-Elastic-Product</c>,
/// the media type the request's Accept header asks for), aggregation names typed as the client's
/// <c>typed_keys=true</c> asks. It does not search, analyse or rank anything, so it says nothing about
/// Elasticsearch's behaviour (the contract tests do, against a real server); it shows what Catalog
/// asks, in which order, with which credentials, and what it does with documented answers.
/// </summary>
public sealed class ElasticsearchProtocolTests
{
    private const string Alias = "products-protocol";

    [Fact]
    public async Task Startup_builds_a_new_index_in_bulk_swaps_the_alias_then_searches_and_events_go_through_it()
    {
        await using var recorder = await RecordingElasticsearch.StartAsync(Alias);
        await using var app = await SearchCatalog.StartAsync($"http://elastic:pw-{Guid.NewGuid():N}@127.0.0.1:{recorder.Port}", Alias);
        using var client = app.CreateClient();
        await SearchCatalog.WaitForSearchHealthAsync(client, "Healthy", TimeSpan.FromSeconds(60));

        // The build: mapping probe, new index, bulk, refresh, alias swap, catch-up, clean-up.
        var requests = recorder.Requests.ToList();
        Assert.All(requests, r => Assert.Equal(recorder.ExpectedAuthorization(app), r.Authorization));
        int Position(Func<RecordedRequest, bool> match) => requests.FindIndex(r => match(r));
        var probe = Position(r => r.Method == "GET" && r.Path == $"/{Alias}/_mapping");
        var create = Position(r => r.Method == "PUT" && r.Path.StartsWith($"/{Alias}-v{ElasticsearchRequests.MappingVersion}-", StringComparison.Ordinal));
        var index = requests[create].Path[1..];
        var firstBulk = Position(r => r.Method == "POST" && r.Path == "/_bulk");
        var refresh = Position(r => r.Method == "POST" && r.Path == $"/{index}/_refresh");
        var swap = Position(r => r.Method == "POST" && r.Path == "/_aliases");
        Assert.True(probe >= 0 && probe < create && create < firstBulk && firstBulk < refresh && refresh < swap,
            $"Unexpected order: {string.Join(", ", requests.Select(r => $"{r.Method} {r.Path}"))}");
        var wire = ElasticsearchWire.Sending();
        JsonAssert.Equal(ElasticsearchWire.Text(wire.Indices.Create(ElasticsearchRequests.CreateIndex(index))), JsonNode.Parse(requests[create].Body));
        JsonAssert.Equal(ElasticsearchWire.Text(wire.Indices.UpdateAliases(ElasticsearchRequests.SwapAlias(Alias, index, []))), JsonNode.Parse(requests[swap].Body));

        // The client asks for the versioned vendor type, except on _bulk, where it sends plain NDJSON and asks for plain JSON.
        Assert.All(requests.Where(r => r.Path != "/_bulk"), r => Assert.Equal("application/vnd.elasticsearch+json;compatible-with=9", r.Accept));
        var bulkBeforeSwap = requests.Take(swap).Where(r => r.Path == "/_bulk").ToList();
        Assert.All(bulkBeforeSwap, r => Assert.Equal(("application/x-ndjson", "application/json"), (r.ContentType, r.Accept)));
        var actions = bulkBeforeSwap.SelectMany(r => r.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where((_, i) => i % 2 == 0)).Select(l => JsonNode.Parse(l)!).ToList();
        int seeded;
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            seeded = await scope.ServiceProvider.GetRequiredService<CatalogDbContext>().Products.CountAsync();
        }

        Assert.True(seeded > 100, $"only {seeded} products seeded");
        Assert.Equal(seeded, actions.Count);
        Assert.All(actions, a => Assert.Equal(index, a["index"]!["_index"]!.GetValue<string>()));
        Assert.Equal(seeded, actions.Select(a => a["index"]!["_id"]!.GetValue<string>()).Distinct().Count());

        // A search goes to the alias, and Catalog serves the ids in Elasticsearch's order with its facets.
        var listing = await SearchCatalog.GetJsonAsync(client, "api/catalog/products?ids=1,2,3");
        var ids = listing.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32()).ToArray();
        recorder.SearchAnswer = ids.Reverse().ToArray();
        var page = await SearchCatalog.GetJsonAsync(client, "api/catalog/products?q=anything%20at%20all&brand=Aerolite");
        Assert.Equal(ids.Reverse(), page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32()));
        Assert.Equal(41, page.GetProperty("total").GetInt64());
        Assert.Equal("""[{"name":"Aerolite","count":30},{"name":"Stride","count":11}]""", page.GetProperty("facets").GetProperty("brands").GetRawText());
        var search = recorder.Requests.Last(r => r.Path == $"/{Alias}/_search");
        // The facets above could only be read because the client asked for typed aggregation names.
        Assert.Equal("true", QueryHelpers.ParseQuery(search.Query)["typed_keys"]);
        var sent = JsonNode.Parse(search.Body)!;
        Assert.Equal("Aerolite", sent["post_filter"]!["bool"]!["filter"]!["term"]!["brand"]!["value"]!.GetValue<string>());
        Assert.Equal(3, sent["query"]!["bool"]!["must"]!.AsArray().Count);

        // Elasticsearch failing: the same request is answered by PostgreSQL.
        recorder.FailSearches = true;
        var fallback = await SearchCatalog.GetJsonAsync(client, "api/catalog/products?q=running%20shoes&pageSize=3");
        Assert.Equal(3, fallback.GetProperty("items").GetArrayLength());
        Assert.All(fallback.GetProperty("items").EnumerateArray(), i => Assert.Contains("Running Shoes", i.GetProperty("category").GetString(), StringComparison.Ordinal));
        var suggestions = await SearchCatalog.GetJsonAsync(client, "api/catalog/suggest?q=runn");
        Assert.NotEqual(0, suggestions.GetProperty("suggestions").GetArrayLength());
        recorder.FailSearches = false;

        // Events: the consumer reads the product's current state and writes it through the alias.
        var productId = ids[0];
        using var admin = app.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestTokens.Admin());
        var product = await SearchCatalog.GetJsonAsync(client, $"api/catalog/products/{productId}");
        using (var update = await admin.PutAsJsonAsync($"api/catalog/products/{productId}", new
               {
                   sku = product.GetProperty("sku").GetString(), name = "Renamed For The Index", description = product.GetProperty("description").GetString(),
                   brand = product.GetProperty("brand").GetString(), category = product.GetProperty("category").GetString(), price = 123.45m,
                   currency = product.GetProperty("currency").GetString(), version = product.GetProperty("version").GetInt32(),
               }))
        {
            Assert.True(update.IsSuccessStatusCode, await update.Content.ReadAsStringAsync());
        }

        var bus = app.App.Services.GetRequiredService<IBus>();
        var changed = new ProductChanged(productId, ProductChangeKind.Updated);
        await bus.Publish(changed);
        var put = await recorder.WaitForAsync(r => r.Method == "PUT" && r.Path == $"/{Alias}/_doc/{productId}");
        var parameters = QueryHelpers.ParseQuery(put.Query);
        Assert.Equal((product.GetProperty("version").GetInt32() + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), parameters["version"]);
        Assert.Equal("external_gte", parameters["version_type"]);
        Assert.Equal("true", parameters["require_alias"]);
        var document = JsonNode.Parse(put.Body)!;
        Assert.Equal("Renamed For The Index", document["name"]!.GetValue<string>());
        Assert.Equal(123.45m, document["price"]!.GetValue<decimal>());

        // A redelivery writes the same version again (Elasticsearch keeps it); a price event does the same.
        await bus.Publish(changed);
        await bus.Publish(new ProductPriceChanged(productId, 1m, 123.45m, "EUR"));
        await recorder.WaitForAsync(r => r.Method == "PUT" && r.Path == $"/{Alias}/_doc/{productId}", count: 3);

        // Deleted in the database: the event removes the document, whatever the event says.
        using (var delete = await admin.DeleteAsync($"api/catalog/products/{productId}"))
        {
            Assert.True(delete.IsSuccessStatusCode, await delete.Content.ReadAsStringAsync());
        }

        await bus.Publish(new ProductChanged(productId, ProductChangeKind.Updated));
        await recorder.WaitForAsync(r => r.Method == "DELETE" && r.Path == $"/{Alias}/_doc/{productId}");
    }
}

public sealed record RecordedRequest(string Method, string Path, string Query, string Body, string? ContentType, string? Accept, string? Authorization);

/// <summary>Records requests and answers with documented Elasticsearch 9 response shapes; see <see cref="ElasticsearchProtocolTests"/>.</summary>
internal sealed class RecordingElasticsearch : IAsyncDisposable
{
    private readonly KestrelApp _app;
    private readonly string _alias;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentDictionary<string, bool> _indices = new();
    private volatile string? _aliasTarget;

    private RecordingElasticsearch(KestrelApp app, string alias)
    {
        _app = app;
        _alias = alias;
    }

    public IEnumerable<RecordedRequest> Requests => _requests;

    public int Port => _app.BaseAddress.Port;

    public volatile bool FailSearches;

    public int[] SearchAnswer { get; set; } = [];

    public string? ExpectedAuthorization(KestrelApp catalog)
    {
        var connection = catalog.App.Services.GetRequiredService<ElasticsearchConnection>();
        return connection.Authorization?.ToString();
    }

    public static async Task<RecordingElasticsearch> StartAsync(string alias)
    {
        RecordingElasticsearch? self = null;
        var app = await KestrelApp.StartAsync(_ => { }, web => web.Run(context => self!.HandleAsync(context)));
        self = new RecordingElasticsearch(app, alias);
        return self;
    }

    public async Task<RecordedRequest> WaitForAsync(Func<RecordedRequest, bool> match, int count = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var found = _requests.Where(match).ToList();
            if (found.Count >= count)
            {
                return found[^1];
            }

            await Task.Delay(50);
        }

        Assert.Fail($"No such request arrived; recorded: {string.Join(", ", _requests.Select(r => $"{r.Method} {r.Path}{r.Query}"))}");
        throw new InvalidOperationException();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        // Elastic's client compresses request bodies (Content-Encoding: gzip), as Elasticsearch accepts.
        var content = request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase)
            ? new System.IO.Compression.GZipStream(request.Body, System.IO.Compression.CompressionMode.Decompress)
            : request.Body;
        var body = await new StreamReader(content, Encoding.UTF8).ReadToEndAsync();
        var path = request.Path.Value ?? "/";
        _requests.Enqueue(new RecordedRequest(request.Method, path, request.QueryString.Value ?? string.Empty, body, request.ContentType, request.Headers.Accept.ToString(), request.Headers.Authorization.FirstOrDefault()));
        var segments = path.Trim('/').Split('/');
        // Elastic's client refuses an answer that does not say it comes from Elasticsearch.
        context.Response.Headers["X-Elastic-Product"] = "Elasticsearch";

        switch (request.Method, segments)
        {
            case ("HEAD", [var name]):
                context.Response.StatusCode = name == _alias && _aliasTarget is not null ? 200 : 404;
                return;
            case ("GET", [var name, "_mapping"]) when name == _alias && _aliasTarget is null:
                await Error(context, 404, "index_not_found_exception", $"no such index [{name}]");
                return;
            case ("GET", [var name, "_mapping"]) when name == _alias:
                await Json(context, 200, new JsonObject
                {
                    [_aliasTarget!] = new JsonObject
                    {
                        ["mappings"] = new JsonObject
                        {
                            ["dynamic"] = "strict",
                            ["_meta"] = new JsonObject { [ElasticsearchRequests.MappingVersionKey] = ElasticsearchRequests.MappingVersion },
                            ["properties"] = new JsonObject { ["id"] = new JsonObject { ["type"] = "integer" } },
                        },
                    },
                });
                return;
            case ("PUT", [var name]):
                _indices[name] = true;
                await Json(context, 200, new JsonObject { ["acknowledged"] = true, ["shards_acknowledged"] = true, ["index"] = name });
                return;
            case ("POST", ["_bulk"]):
                try
                {
                    await Json(context, 200, BulkAnswer(body));
                }
                catch (Exception ex) when (ex is JsonException or InvalidDataException or InvalidOperationException)
                {
                    await Error(context, 400, "parse_exception", ex.Message);
                }

                return;
            case ("POST", [var name, "_refresh"]):
                await Json(context, 200, new JsonObject { ["_shards"] = new JsonObject { ["total"] = 1, ["successful"] = 1, ["failed"] = 0 } });
                return;
            case ("POST", ["_aliases"]):
                _aliasTarget = JsonNode.Parse(body)!["actions"]!.AsArray().Select(a => a!["add"]).Last(a => a is not null)!["index"]!.GetValue<string>();
                await Json(context, 200, new JsonObject { ["acknowledged"] = true });
                return;
            case ("GET", [var pattern]) when pattern.EndsWith('*'):
                var matching = new JsonObject();
                foreach (var name in _indices.Keys.Where(k => k.StartsWith(pattern.TrimEnd('*'), StringComparison.Ordinal)))
                {
                    matching[name] = new JsonObject { ["aliases"] = new JsonObject(), ["mappings"] = new JsonObject(), ["settings"] = new JsonObject() };
                }

                await Json(context, 200, matching);
                return;
            case ("DELETE", [var name]):
                _indices.TryRemove(name, out _);
                await Json(context, 200, new JsonObject { ["acknowledged"] = true });
                return;
            case ("POST", [_, "_search"]) when FailSearches:
                await Error(context, 503, "search_phase_execution_exception", "all shards failed");
                return;
            case ("POST", [_, "_search"]):
                await Json(context, 200, SearchResponse());
                return;
            case ("PUT", [var name, "_doc", var id]):
                await Json(context, 200, new JsonObject { ["_index"] = _aliasTarget ?? name, ["_id"] = id, ["_version"] = 2, ["result"] = "updated", ["_seq_no"] = 1, ["_primary_term"] = 1 });
                return;
            case ("DELETE", [var name, "_doc", var id]):
                await Json(context, 200, new JsonObject { ["_index"] = _aliasTarget ?? name, ["_id"] = id, ["_version"] = 3, ["result"] = "deleted", ["_seq_no"] = 2, ["_primary_term"] = 1 });
                return;
            default:
                await Error(context, 400, "illegal_argument_exception", $"the recorder does not know {request.Method} {path}");
                return;
        }
    }

    private static JsonObject BulkAnswer(string ndjson)
    {
        var items = new JsonArray();
        var lines = ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < lines.Length; i++)
        {
            var action = JsonNode.Parse(lines[i])?.AsObject().FirstOrDefault() ?? throw new InvalidDataException($"bulk line {i} is not an action: {lines[i]}");
            items.Add(new JsonObject
            {
                [action.Key] = new JsonObject
                {
                    ["_index"] = action.Value?["_index"]?.GetValue<string>(),
                    ["_id"] = action.Value?["_id"]?.GetValue<string>(),
                    ["_version"] = 1,
                    ["result"] = action.Key == "delete" ? "deleted" : "created",
                    ["_shards"] = new JsonObject { ["total"] = 1, ["successful"] = 1, ["failed"] = 0 },
                    ["status"] = action.Key == "delete" ? 200 : 201,
                    ["_seq_no"] = i,
                    ["_primary_term"] = 1,
                },
            });
            if (action.Key != "delete")
            {
                i++;
            }
        }

        return new JsonObject { ["took"] = 3, ["errors"] = false, ["items"] = items };
    }

    private JsonObject SearchResponse()
    {
        JsonObject Facet(int docs, params (string Key, int Count)[] buckets) => new()
        {
            ["doc_count"] = docs,
            ["sterms#names"] = new JsonObject
            {
                ["doc_count_error_upper_bound"] = 0,
                ["sum_other_doc_count"] = 0,
                ["buckets"] = new JsonArray([.. buckets.Select(b => (JsonNode)new JsonObject { ["key"] = b.Key, ["doc_count"] = b.Count })]),
            },
        };

        return new JsonObject
        {
            ["took"] = 2,
            ["timed_out"] = false,
            ["_shards"] = new JsonObject { ["total"] = 1, ["successful"] = 1, ["skipped"] = 0, ["failed"] = 0 },
            ["hits"] = new JsonObject
            {
                ["total"] = new JsonObject { ["value"] = 41, ["relation"] = "eq" },
                ["max_score"] = null,
                ["hits"] = new JsonArray([.. SearchAnswer.Select(id => (JsonNode)new JsonObject { ["_index"] = _aliasTarget, ["_id"] = id.ToString(System.Globalization.CultureInfo.InvariantCulture), ["_score"] = 300.0 })]),
            },
            ["aggregations"] = new JsonObject
            {
                ["filter#brands"] = Facet(41, ("Stride", 11), ("Aerolite", 30)),
                ["filter#categories"] = Facet(30, ("Running Shoes", 30)),
            },
        };
    }

    /// <summary>
    /// Answers in the media type the request asked for, as Elasticsearch does: the vendor type with the
    /// same <c>compatible-with</c> version when the Accept header names one, plain JSON otherwise
    /// (the official client asks for plain JSON on <c>_bulk</c> and refuses an answer in another type).
    /// </summary>
    private static Task Json(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        var compatibleWith = Regex.Match(context.Request.Headers.Accept.ToString(), @"application/vnd\.elasticsearch\+json;\s*compatible-with=(\d+)");
        context.Response.ContentType = compatibleWith.Success
            ? $"application/vnd.elasticsearch+json;compatible-with={compatibleWith.Groups[1].Value}"
            : "application/json";
        return context.Response.WriteAsync(body.ToJsonString());
    }

    private static Task Error(HttpContext context, int status, string type, string reason) =>
        Json(context, status, new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["root_cause"] = new JsonArray(new JsonObject { ["type"] = type, ["reason"] = reason }),
                ["type"] = type,
                ["reason"] = reason,
            },
            ["status"] = status,
        });

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
