using System.Globalization;
using System.Net;
using System.Text.Json;
using Commerce.Web.Buyers;
using Commerce.Web.Domain;

namespace Commerce.Web.Services;

/// <summary>Catalog's HTTP API (ARCHITECTURE.md): public reads without a token, admin writes with one.</summary>
public sealed class CatalogClient(HttpClient http, ServiceTokens tokens, ILogger<CatalogClient> logger) : ServiceClient(http, tokens, "catalog", logger)
{
    public async Task<ProductPage> SearchAsync(CatalogQuery query, CancellationToken cancellationToken) =>
        await SendForAsync<ProductPage>(Request(HttpMethod.Get, "api/catalog/products" + query.ToApiQueryString()), cancellationToken)
        ?? new ProductPage();

    public Task<ProductDto?> GetProductAsync(int id, CancellationToken cancellationToken) =>
        SendForAsync<ProductDto>(Request(HttpMethod.Get, $"api/catalog/products/{id}"), cancellationToken);

    public async Task<IReadOnlyList<ProductDto>> GetProductsAsync(IEnumerable<int> ids, CancellationToken cancellationToken)
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
        NameList.Read(await SendForAsync<JsonElement>(Request(HttpMethod.Get, "api/catalog/brands"), cancellationToken));

    public async Task<IReadOnlyList<string>> GetCategoriesAsync(CancellationToken cancellationToken) =>
        NameList.Read(await SendForAsync<JsonElement>(Request(HttpMethod.Get, "api/catalog/categories"), cancellationToken));

    public async Task<IReadOnlyList<Suggestion>> SuggestAsync(string q, CancellationToken cancellationToken)
    {
        var root = await SendForAsync<JsonElement>(Request(HttpMethod.Get, "api/catalog/suggest?q=" + Uri.EscapeDataString(q)), cancellationToken);
        var items = root.ValueKind == JsonValueKind.Array ? root
            : root.ValueKind == JsonValueKind.Object && (root.TryGetProperty("items", out var i) || root.TryGetProperty("suggestions", out i)) ? i
            : default;
        if (items.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var result = new List<Suggestion>();
        foreach (var e in items.EnumerateArray())
        {
            if (e.ValueKind == JsonValueKind.String && e.GetString() is { Length: > 0 } text)
            {
                result.Add(new Suggestion(text, null));
            }
            else if (e.ValueKind == JsonValueKind.Object)
            {
                var name = (e.TryGetProperty("name", out var n) || e.TryGetProperty("text", out n)) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
                int? id = (e.TryGetProperty("id", out var idEl) || e.TryGetProperty("productId", out idEl)) && idEl.TryGetInt32(out var parsed) ? parsed : null;
                if (!string.IsNullOrEmpty(name))
                {
                    result.Add(new Suggestion(name, id));
                }
            }
        }

        return result;
    }

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

    public async Task<ProductDto> CreateAsync(Shopper admin, ProductInput input, CancellationToken cancellationToken) =>
        await SendForAsync<ProductDto>(Request(HttpMethod.Post, "api/catalog/products", admin, input), cancellationToken, notFoundIsNull: false)
        ?? throw Unavailable(HttpMethod.Post, "api/catalog/products", "Catalog created the product but did not return it.");

    public async Task UpdateAsync(Shopper admin, int id, ProductInput input, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(Request(HttpMethod.Put, $"api/catalog/products/{id}", admin, input), cancellationToken);
        await EnsureAcceptedAsync(response, cancellationToken);
    }

    public async Task AdjustStockAsync(Shopper admin, int id, int delta, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(Request(HttpMethod.Post, $"api/catalog/products/{id}/stock", admin, new { delta }), cancellationToken);
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
}
