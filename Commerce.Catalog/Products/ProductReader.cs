using Commerce.Catalog.Caching;
using Commerce.Catalog.Data;
using Microsoft.EntityFrameworkCore;

namespace Commerce.Catalog.Products;

/// <summary>Reads products through the cache: one Redis round trip, then one query for the misses.</summary>
public sealed class ProductReader(CatalogDbContext db, ProductCache cache)
{
    public async Task<ProductResponse?> GetAsync(int id, CancellationToken cancellationToken) =>
        (await GetManyAsync([id], cancellationToken)).FirstOrDefault();

    /// <summary>The products that exist among <paramref name="ids"/>, in the order asked.</summary>
    public async Task<IReadOnlyList<ProductResponse>> GetManyAsync(IReadOnlyList<int> ids, CancellationToken cancellationToken)
    {
        var distinct = ids.Distinct().ToArray();
        var found = await cache.GetManyAsync(distinct, cancellationToken);
        var missing = distinct.Where(id => !found.ContainsKey(id)).ToArray();
        if (missing.Length > 0)
        {
            var loaded = await db.Products.AsNoTracking()
                .Where(p => missing.Contains(p.Id))
                .ToListAsync(cancellationToken);
            var responses = loaded.Select(ProductResponses.From).ToList();
            foreach (var r in responses)
            {
                found[r.Id] = r;
            }

            await cache.SetManyAsync(responses);
        }

        return distinct.Where(found.ContainsKey).Select(id => found[id]).ToList();
    }
}
