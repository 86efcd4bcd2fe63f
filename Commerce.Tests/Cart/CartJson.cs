using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Commerce.Tests.Cart;

/// <summary>Small HTTP steps the cart tests share.</summary>
internal static class CartJson
{
    public static Task<HttpResponseMessage> SetQuantityAsync(this HttpClient client, int productId, int quantity) =>
        client.PutAsJsonAsync($"api/cart/items/{productId}", new { quantity });

    public static Task<HttpResponseMessage> SendRawAsync(this HttpClient client, HttpMethod method, string path, string? body, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        return client.SendAsync(request);
    }

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> GetCartAsync(this HttpClient client) =>
        await (await client.GetAsync("api/cart")).ReadJsonAsync();

    /// <summary>Asserts an RFC 9457 problem with the status and a message for a person.</summary>
    public static async Task<JsonElement> ReadProblemAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.True(problem.TryGetProperty("traceId", out _), $"no traceId: {text}");
        return problem;
    }

    public static int Id(this JsonElement product) => product.GetProperty("id").GetInt32();

    public static decimal Price(this JsonElement product) => product.GetProperty("price").GetDecimal();

    public static JsonElement[] Lines(this JsonElement cart) => [.. cart.GetProperty("lines").EnumerateArray()];

    public static string[] WarningCodes(this JsonElement withWarnings) =>
        [.. withWarnings.GetProperty("warnings").EnumerateArray().Select(w => w.GetProperty("code").GetString()!)];
}
