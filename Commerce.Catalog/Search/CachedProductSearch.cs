using System.Globalization;
using System.Text.Json;
using Commerce.Catalog.Caching;
using Commerce.Catalog.Products;

namespace Commerce.Catalog.Search;

/// <summary>Puts <see cref="SearchResultCache"/> in front of any engine: a flash sale sends many shoppers the same queries.</summary>
public sealed class CachedProductSearch(PostgresProductSearch engine, SearchResultCache cache) : IProductSearch
{
    public Task<ProductSearchResult> SearchAsync(ProductSearchQuery query, CancellationToken cancellationToken)
    {
        // Blank text lists everything (as the engines decide); text without words finds nothing.
        var key = string.Join('|', "search", string.Join(' ', SearchText.Words(query.Text)), string.IsNullOrWhiteSpace(query.Text) ? "-" : "+",
            query.Brand, query.Category,
            query.MinPrice?.ToString(CultureInfo.InvariantCulture), query.MaxPrice?.ToString(CultureInfo.InvariantCulture),
            query.Sort, query.Page, query.PageSize);
        return cache.GetOrAddAsync(key, ct => engine.SearchAsync(query, ct),
            v => JsonSerializer.Serialize(v, CatalogJson.Default.ProductSearchResult),
            s => JsonSerializer.Deserialize(s, CatalogJson.Default.ProductSearchResult), cancellationToken);
    }

    public async Task<IReadOnlyList<string>> SuggestAsync(string text, int limit, CancellationToken cancellationToken)
    {
        var key = string.Join('|', "suggest", string.Join(' ', SearchText.Words(text)), limit);
        return await cache.GetOrAddAsync<List<string>>(key, async ct => [.. await engine.SuggestAsync(text, limit, ct)],
            v => JsonSerializer.Serialize(v, CatalogJson.Default.ListString),
            s => JsonSerializer.Deserialize(s, CatalogJson.Default.ListString), cancellationToken);
    }
}
