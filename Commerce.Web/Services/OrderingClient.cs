using System.Net;
using Commerce.Ordering.Contracts;
using Commerce.Web.Buyers;

namespace Commerce.Web.Services;

/// <summary>Ordering's HTTP API (ARCHITECTURE.md).</summary>
public sealed class OrderingClient(HttpClient http, ServiceTokens tokens, ILogger<OrderingClient> logger) : ServiceClient(http, tokens, "ordering", logger)
{
    /// <summary>
    /// Submits the buyer's cart as an order. The same <paramref name="idempotencyKey"/> always gives
    /// the same order, so a double click or a refreshed form never makes two.
    /// </summary>
    public async Task<Guid> SubmitAsync(Shopper shopper, string idempotencyKey, CheckoutRequest order, CancellationToken cancellationToken)
    {
        var request = Request(HttpMethod.Post, "api/orders", shopper, order);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        var accepted = await SendForAsync<OrderResponse>(request, cancellationToken, notFoundIsNull: false);
        return accepted?.Id ?? throw Unavailable(HttpMethod.Post, "api/orders", "Ordering accepted the order but did not return it.");
    }

    /// <param name="waitWhile">When set, Ordering answers once the status is no longer this one (or after its wait limit).</param>
    public Task<OrderResponse?> GetAsync(Shopper shopper, string id, CancellationToken cancellationToken, string? waitWhile = null) =>
        SendForAsync<OrderResponse>(Request(HttpMethod.Get, $"api/orders/{Uri.EscapeDataString(id)}"
            + (waitWhile is null ? "" : "?waitWhile=" + Uri.EscapeDataString(waitWhile)), shopper), cancellationToken);

    public async Task<IReadOnlyList<OrderResponse>> ListAsync(Shopper shopper, CancellationToken cancellationToken) =>
        (await SendForAsync<OrderPage>(Request(HttpMethod.Get, "api/orders", shopper), cancellationToken))?.Items ?? [];

    public async Task<IReadOnlyList<OrderResponse>> ListForAdminAsync(Shopper admin, string? status, CancellationToken cancellationToken) =>
        (await SendForAsync<OrderPage>(Request(HttpMethod.Get,
            "api/admin/orders" + (string.IsNullOrEmpty(status) ? "" : "?status=" + Uri.EscapeDataString(status)), admin), cancellationToken))?.Items ?? [];

    public Task<OrderResponse?> GetForAdminAsync(Shopper admin, string id, CancellationToken cancellationToken) =>
        SendForAsync<OrderResponse>(Request(HttpMethod.Get, $"api/admin/orders/{Uri.EscapeDataString(id)}", admin), cancellationToken);

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
}
