using System.Globalization;
using System.Net;
using Commerce.Catalog.Contracts;
using Commerce.Web.Buyers;
using Commerce.Web.Domain;

namespace Commerce.Web.Services;

/// <summary>Catalog's HTTP API (ARCHITECTURE.md): public reads without a token, admin writes with one.</summary>
public sealed class CatalogClient(HttpClient http, ServiceTokens tokens, ILogger<CatalogClient> logger) : ServiceClient(http, tokens, "catalog", logger)
{
    public async Task<ProductPage> SearchAsync(CatalogQuery query, CancellationToken cancellationToken) =>
        await SendForAsync<ProductPage>(Request(HttpMethod.Get, "api/catalog/products" + query.ToApiQueryString()), cancellationToken)
        ?? ProductPage.Empty;

    public Task<ProductResponse?> GetProductAsync(int id, CancellationToken cancellationToken) =>
        SendForAsync<ProductResponse>(Request(HttpMethod.Get, $"api/catalog/products/{id}"), cancellationToken);

    public async Task<IReadOnlyList<ProductResponse>> GetProductsAsync(IEnumerable<int> ids, CancellationToken cancellationToken)
    {
        var list = ids.Distinct().ToList();
        if (list.Count == 0)
        {
            return [];
        }

        var page = await SendForAsync<ProductPage>(
            Request(HttpMethod.Get, "api/catalog/products?ids=" + string.Join(',', list.Select(i => i.ToString(CultureInfo.InvariantCulture)))
                + "&pageSize=" + list.Count.ToString(CultureInfo.InvariantCulture)), cancellationToken);
        return page?.Items ?? [];
    }

    public async Task<IReadOnlyList<string>> GetBrandsAsync(CancellationToken cancellationToken) =>
        Names(await SendForAsync<List<NamedItem>>(Request(HttpMethod.Get, "api/catalog/brands"), cancellationToken));

    public async Task<IReadOnlyList<string>> GetCategoriesAsync(CancellationToken cancellationToken) =>
        Names(await SendForAsync<List<NamedItem>>(Request(HttpMethod.Get, "api/catalog/categories"), cancellationToken));

    /// <summary>Product names completing <paramref name="q"/>.</summary>
    public async Task<IReadOnlyList<string>> SuggestAsync(string q, CancellationToken cancellationToken) =>
        (await SendForAsync<SuggestResponse>(Request(HttpMethod.Get, "api/catalog/suggest?q=" + Uri.EscapeDataString(q)), cancellationToken))?.Suggestions ?? [];

    /// <summary>The product image response, streamed (caller disposes); null when there is none.</summary>
    public async Task<HttpResponseMessage?> GetImageAsync(int id, CancellationToken cancellationToken)
    {
        var response = await SendAsync(Request(HttpMethod.Get, $"api/catalog/products/{id}/image"), cancellationToken, HttpCompletionOption.ResponseHeadersRead);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        response.Dispose();
        return null;
    }

    public async Task<ProductResponse> CreateAsync(Shopper admin, CreateProductRequest input, CancellationToken cancellationToken) =>
        await SendForAsync<ProductResponse>(Request(HttpMethod.Post, "api/catalog/products", admin, input), cancellationToken, notFoundIsNull: false)
        ?? throw Unavailable(HttpMethod.Post, "api/catalog/products", "Catalog created the product but did not return it.");

    public async Task UpdateAsync(Shopper admin, int id, UpdateProductRequest input, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(Request(HttpMethod.Put, $"api/catalog/products/{id}", admin, input), cancellationToken);
        await EnsureAcceptedAsync(response, cancellationToken);
    }

    public async Task AdjustStockAsync(Shopper admin, int id, int delta, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(Request(HttpMethod.Post, $"api/catalog/products/{id}/stock", admin, new StockAdjustmentRequest(delta)), cancellationToken);
        await EnsureAcceptedAsync(response, cancellationToken);
    }

    public async Task<bool> DeleteAsync(Shopper admin, int id, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(Request(HttpMethod.Delete, $"api/catalog/products/{id}", admin), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        await EnsureAcceptedAsync(response, cancellationToken);
        return true;
    }

    private static IReadOnlyList<string> Names(List<NamedItem>? items) => items?.Select(i => i.Name).ToList() ?? [];
}
