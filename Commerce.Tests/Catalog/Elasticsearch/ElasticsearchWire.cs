using System.Text;
using System.Text.Json.Nodes;
using Elastic.Clients.Elasticsearch;
using Elastic.Transport;

namespace Commerce.Tests.Catalog.Elasticsearch;

/// <summary>
/// The official client over Elastic's in-memory transport: what the client puts on the wire for a
/// request (method, path, body), and how it reads a recorded answer, without a server.
/// </summary>
internal static class ElasticsearchWire
{
    /// <summary>A client whose in-memory transport answers 200 with an empty JSON object: for what the client sends.</summary>
    public static ElasticsearchClient Sending() => Answering("{}");

    /// <summary>
    /// A client whose in-memory transport answers with <paramref name="responseJson"/>, saying it comes from
    /// Elasticsearch as every real server does (the client refuses answers without <c>X-Elastic-Product</c>).
    /// </summary>
    public static ElasticsearchClient Answering(string responseJson, int status = 200) =>
        new(new ElasticsearchClientSettings(new SingleNodePool(new Uri("http://127.0.0.1:9200")),
                new InMemoryRequestInvoker(Encoding.UTF8.GetBytes(responseJson), status, null!, "application/json",
                    new Dictionary<string, IEnumerable<string>>(StringComparer.OrdinalIgnoreCase) { ["x-elastic-product"] = ["Elasticsearch"] }))
            .DisableDirectStreaming());

    /// <summary>The body the client sent, as JSON.</summary>
    public static JsonNode? Body(TransportResponse response) => JsonNode.Parse(Text(response));

    public static string Text(TransportResponse response) => Encoding.UTF8.GetString(response.ApiCallDetails.RequestBodyInBytes ?? []);

    /// <summary>Method, path and query the client sent.</summary>
    public static string Target(TransportResponse response) => $"{response.ApiCallDetails.HttpMethod} {response.ApiCallDetails.Uri!.PathAndQuery}";
}
