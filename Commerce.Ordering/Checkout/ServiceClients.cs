using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Commerce.Cart.Contracts;
using Commerce.Catalog.Contracts;

namespace Commerce.Ordering.Checkout;

/// <summary>A dependency that did not answer; checkout answers 503 rather than guessing.</summary>
public sealed class DependencyUnavailableException(string service, Exception? inner = null)
    : Exception($"The {service} service is not answering right now.", inner)
{
    public string Service { get; } = service;
}

/// <summary>
/// Checkout's client of Cart. It reads the buyer's cart as the buyer: the buyer's own token is
/// passed on, so Cart serves exactly the cart it would serve them.
/// </summary>
public sealed class CheckoutCartClient(HttpClient http)
{
    public async Task<CartView> GetCartAsync(string bearerToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/cart");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return CartView.Empty;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new DependencyUnavailableException("cart", new HttpRequestException($"Cart answered {(int)response.StatusCode}."));
            }

            var cart = await response.Content.ReadFromJsonAsync<CartView>(cancellationToken);
            return cart ?? CartView.Empty;
        }
        catch (HttpRequestException ex)
        {
            throw new DependencyUnavailableException("cart", ex);
        }
    }
}

/// <summary>Checkout's client of Catalog, the source of truth for names and prices.</summary>
public sealed class CheckoutCatalogClient(HttpClient http)
{
    /// <summary>Catalog answers at most this many ids per request.</summary>
    public const int MaxIdsPerRequest = 100;

    public async Task<IReadOnlyList<ProductResponse>> GetProductsAsync(IEnumerable<int> ids, CancellationToken cancellationToken)
    {
        var products = new List<ProductResponse>();
        foreach (var chunk in ids.Distinct().Chunk(MaxIdsPerRequest))
        {
            try
            {
                var page = await http.GetFromJsonAsync<ProductPage>($"api/catalog/products?ids={string.Join(',', chunk)}&pageSize={MaxIdsPerRequest}", cancellationToken);
                products.AddRange(page?.Items ?? []);
            }
            catch (HttpRequestException ex)
            {
                throw new DependencyUnavailableException("catalog", ex);
            }
        }

        return products;
    }
}
