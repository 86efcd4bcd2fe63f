using System.Text.Json;
using System.Text.Json.Nodes;

namespace Commerce.Tests.Catalog.Elasticsearch;

internal static class JsonAssert
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Structural equality (property order ignored, array order kept), showing both on failure.</summary>
    public static void Equal(string expected, JsonNode? actual)
    {
        var expectedNode = JsonNode.Parse(expected);
        if (!JsonNode.DeepEquals(expectedNode, actual))
        {
            Assert.Fail($"Expected:\n{expectedNode?.ToJsonString(Indented)}\nActual:\n{actual?.ToJsonString(Indented)}");
        }
    }
}
