using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Commerce.Cart.Domain;
using Commerce.Catalog.Contracts;
using Microsoft.Extensions.Options;

namespace Commerce.Cart.Catalog;

/// <summary>Catalog's answer: the products it knows, or null when it could not be asked.</summary>
public sealed record CatalogLookup(IReadOnlyDictionary<int, ProductSnapshot>? Products, string? Failure)
{
    public bool Reachable => Products is not null;

    public static CatalogLookup Found(IReadOnlyDictionary<int, ProductSnapshot> products) => new(products, null);

    public static CatalogLookup Unreachable(string failure) => new(null, failure);
}

/// <summary>
/// Cart's client of Catalog: reads current prices and stock in one batch call
/// (<c>GET /api/catalog/products?ids=1,2,3</c>). Every failure (no answer, timeout, open circuit, an
/// error status, an answer it cannot read) comes back as <see cref="CatalogLookup.Unreachable"/>:
/// the cart decides what that means, it never becomes a 500.
/// </summary>
public sealed class CartCatalogClient(HttpClient http, IOptions<CartOptions> options, ILogger<CartCatalogClient> logger)
{
    /// <summary>Catalog answers at most this many ids per request; carts within the default limits need one call.</summary>
    public const int MaxIdsPerCall = 100;

    public async Task<CatalogLookup> GetProductsAsync(IReadOnlyCollection<int> productIds, CancellationToken cancellationToken)
    {
        var ids = productIds.Distinct().Order().ToList();
        if (ids.Count == 0)
        {
            return CatalogLookup.Found(new Dictionary<int, ProductSnapshot>());
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.CatalogTimeout);
        var products = new Dictionary<int, ProductSnapshot>();
        foreach (var chunk in ids.Chunk(MaxIdsPerCall))
        {
            var failure = await ReadChunkAsync(chunk, products, timeout.Token, cancellationToken);
            if (failure is not null)
            {
                return CatalogLookup.Unreachable(failure);
            }
        }

        return CatalogLookup.Found(products);
    }

    private async Task<string?> ReadChunkAsync(int[] ids, Dictionary<int, ProductSnapshot> products, CancellationToken cancellationToken,
        CancellationToken requestAborted)
    {
        var path = "api/catalog/products?ids=" + string.Join(',', ids.Select(i => i.ToString(CultureInfo.InvariantCulture)));
        try
        {
            using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("Catalog answered {StatusCode} to a batch read of {Count} products", (int)response.StatusCode, ids.Length);
                return $"Catalog answered {(int)response.StatusCode}.";
            }

            var page = await response.Content.ReadFromJsonAsync<ProductPage>(cancellationToken)
                ?? throw new JsonException("Catalog answered an empty body to a batch read.");
            var wanted = ids.ToHashSet();
            foreach (var product in page.Items ?? [])
            {
                if (wanted.Contains(product.Id))
                {
                    products[product.Id] = new ProductSnapshot(product.Id, product.Name ?? $"Product {product.Id}", product.Price,
                        product.Currency ?? string.Empty, product.AvailableStock, product.Sku, product.ImageUrl);
                }
            }

            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException
                                   || (ex is OperationCanceledException && !requestAborted.IsCancellationRequested))
        {
            logger.LogWarning("Catalog could not be read for {Count} products: {Reason}", ids.Length, ex.Message);
            return ex.Message;
        }
    }
}
