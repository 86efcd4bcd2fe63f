using System.Net;
using System.Text.Json;
using Commerce.Web.Buyers;

namespace Commerce.Web.Services;

/// <summary>Ordering's HTTP API (ARCHITECTURE.md).</summary>
public sealed class OrderingClient(HttpClient http, ServiceTokens tokens, ILogger<OrderingClient> logger) : ServiceClient(http, tokens, "ordering", logger)
{
    /// <summary>
    /// Submits the buyer's cart as an order. The same <paramref name="idempotencyKey"/> always gives
    /// the same order, so a double click or a refreshed form never makes two.
    /// </summary>
    public async Task<string> SubmitAsync(Shopper shopper, string idempotencyKey, OrderRequest order, CancellationToken cancellationToken)
    {
        var request = Request(HttpMethod.Post, "api/orders", shopper, order);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await SendAsync(request, cancellationToken);
        await EnsureAcceptedAsync(response, cancellationToken);

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!string.IsNullOrWhiteSpace(text))
        {
            using var doc = JsonDocument.Parse(text);
            foreach (var name in (string[])["id", "orderId"])
            {
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out var id)
                    && id.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                {
                    return id.ToString();
                }
            }
        }

        return response.Headers.Location is { } location
            ? location.OriginalString.TrimEnd('/').Split('/')[^1]
            : throw Unavailable(HttpMethod.Post, "api/orders", "Ordering accepted the order but did not say its id.");
    }

    public Task<OrderDto?> GetAsync(Shopper shopper, string id, CancellationToken cancellationToken) =>
        SendForAsync<OrderDto>(Request(HttpMethod.Get, $"api/orders/{Uri.EscapeDataString(id)}", shopper), cancellationToken);

    public async Task<IReadOnlyList<OrderDto>> ListAsync(Shopper shopper, CancellationToken cancellationToken) =>
        ReadList(await SendForAsync<JsonElement>(Request(HttpMethod.Get, "api/orders", shopper), cancellationToken));

    public async Task<IReadOnlyList<OrderDto>> ListForAdminAsync(Shopper admin, string? status, CancellationToken cancellationToken) =>
        ReadList(await SendForAsync<JsonElement>(Request(HttpMethod.Get,
            "api/admin/orders" + (string.IsNullOrEmpty(status) ? "" : "?status=" + Uri.EscapeDataString(status)), admin), cancellationToken));

    public Task<OrderDto?> GetForAdminAsync(Shopper admin, string id, CancellationToken cancellationToken) =>
        SendForAsync<OrderDto>(Request(HttpMethod.Get, $"api/admin/orders/{Uri.EscapeDataString(id)}", admin), cancellationToken);

    public Task CancelForAdminAsync(Shopper admin, string id, CancellationToken cancellationToken) =>
        PostAsync(admin, $"api/admin/orders/{Uri.EscapeDataString(id)}/cancel", cancellationToken);

    public Task CancelAsync(Shopper shopper, string id, CancellationToken cancellationToken) =>
        PostAsync(shopper, $"api/orders/{Uri.EscapeDataString(id)}/cancel", cancellationToken);

    public Task ShipAsync(Shopper admin, string id, CancellationToken cancellationToken) =>
        PostAsync(admin, $"api/orders/{Uri.EscapeDataString(id)}/ship", cancellationToken);

    private async Task PostAsync(Shopper shopper, string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(Request(HttpMethod.Post, path, shopper), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ServiceRejectedException("ordering", 404, "That order does not exist.");
        }

        await EnsureAcceptedAsync(response, cancellationToken);
    }

    private static IReadOnlyList<OrderDto> ReadList(JsonElement root)
    {
        var items = root.ValueKind == JsonValueKind.Array ? root
            : root.ValueKind == JsonValueKind.Object && root.TryGetProperty("items", out var i) ? i
            : default;
        return items.ValueKind == JsonValueKind.Array ? items.Deserialize<List<OrderDto>>(Json) ?? [] : [];
    }
}
