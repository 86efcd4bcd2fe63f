using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Commerce.Ordering.Checkout;

public sealed record CartLineView(int ProductId, int Quantity);

public sealed record CartView(IReadOnlyList<CartLineView> Lines);

public sealed record CatalogProduct(int Id, string Name, decimal Price, string Currency, int AvailableStock);

/// <summary>A dependency that did not answer; checkout answers 503 rather than guessing.</summary>
public sealed class DependencyUnavailableException(string service, Exception? inner = null)
    : Exception($"The {service} service is not answering right now.", inner)
{
    public string Service { get; } = service;
}

/// <summary>
/// Reads the buyer's cart as the buyer: the buyer's own token is passed on, so Cart serves exactly
/// the cart it would serve them.
/// </summary>
public sealed class CartClient(HttpClient http)
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
                return new CartView([]);
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new DependencyUnavailableException("cart", new HttpRequestException($"Cart answered {(int)response.StatusCode}."));
            }

            var cart = await response.Content.ReadFromJsonAsync<CartView>(cancellationToken);
            return cart ?? new CartView([]);
        }
        catch (HttpRequestException ex)
        {
            throw new DependencyUnavailableException("cart", ex);
        }
    }
}

/// <summary>Catalog is the source of truth for names and prices.</summary>
public sealed class CatalogClient(HttpClient http)
{
    /// <summary>Catalog answers at most this many ids per request.</summary>
    public const int MaxIdsPerRequest = 100;

    public async Task<IReadOnlyList<CatalogProduct>> GetProductsAsync(IEnumerable<int> ids, CancellationToken cancellationToken)
    {
        var products = new List<CatalogProduct>();
        foreach (var chunk in ids.Distinct().Chunk(MaxIdsPerRequest))
        {
            try
            {
                var page = await http.GetFromJsonAsync<CatalogPage>($"api/catalog/products?ids={string.Join(',', chunk)}&pageSize={MaxIdsPerRequest}", cancellationToken);
                products.AddRange(page?.Items ?? []);
            }
            catch (HttpRequestException ex)
            {
                throw new DependencyUnavailableException("catalog", ex);
            }
        }

        return products;
    }

    private sealed record CatalogPage(List<CatalogProduct> Items);
}
