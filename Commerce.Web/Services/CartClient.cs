using Commerce.Cart.Contracts;
using Commerce.Web.Buyers;

namespace Commerce.Web.Services;

/// <summary>Cart's HTTP API; every call is for the shopper whose token it carries.</summary>
public sealed class CartClient(HttpClient http, ServiceTokens tokens, ILogger<CartClient> logger) : ServiceClient(http, tokens, "cart", logger)
{
    public async Task<CartView> GetAsync(Shopper shopper, CancellationToken cancellationToken) =>
        await SendForAsync<CartView>(Request(HttpMethod.Get, "api/cart", shopper), cancellationToken) ?? CartView.Empty;

    /// <summary>
    /// Units in the shopper's cart, for the header's badge, or null when Cart does not answer within
    /// <paramref name="budget"/>: a badge is not worth a slow page, and its absence only hides the count.
    /// </summary>
    public async Task<int?> CountAsync(Shopper shopper, TimeSpan budget, CancellationToken cancellationToken)
    {
        using var limited = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limited.CancelAfter(budget);
        try
        {
            return (await GetAsync(shopper, limited.Token)).Lines.Sum(l => l.Quantity);
        }
        catch (Exception ex) when (ex is ServiceUnavailableException or ServiceRejectedException
            || ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Sets a line's quantity (0 removes it). Cart records the price the shopper saw from Catalog itself.</summary>
    public async Task<CartView> SetQuantityAsync(Shopper shopper, int productId, int quantity, CancellationToken cancellationToken) =>
        await SendForAsync<CartView>(Request(HttpMethod.Put, $"api/cart/items/{productId}", shopper, new SetQuantityRequest(quantity)), cancellationToken, notFoundIsNull: false)
        ?? CartView.Empty;

    public async Task RemoveAsync(Shopper shopper, int productId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(Request(HttpMethod.Delete, $"api/cart/items/{productId}", shopper), cancellationToken);
        if (response.StatusCode != System.Net.HttpStatusCode.NotFound)
        {
            await EnsureAcceptedAsync(response, cancellationToken);
        }
    }

    /// <summary>
    /// Moves the anonymous visitor's cart into the signed-in shopper's. Cart takes no buyer id on
    /// trust: the anonymous buyer's own token, minted here from the signed cookie, is the proof.
    /// </summary>
    public async Task MergeAsync(Shopper signedIn, string anonymousBuyerId, CancellationToken cancellationToken)
    {
        var anonymousBuyerToken = Tokens.ProofOfAnonymousBuyer(anonymousBuyerId);
        using var response = await SendAsync(Request(HttpMethod.Post, "api/cart/merge", signedIn, new MergeCartRequest(anonymousBuyerToken)), cancellationToken);
        await EnsureAcceptedAsync(response, cancellationToken);
    }
}
