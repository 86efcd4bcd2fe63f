using Commerce.Catalog.Domain;
using Microsoft.EntityFrameworkCore;

namespace Commerce.Catalog.Data;

/// <summary>Loads the seed catalogue into an empty database; runs under the migration lock, so once.</summary>
public static class CatalogSeeder
{
    public static async Task SeedAsync(CatalogDbContext db, IServiceProvider services, CancellationToken cancellationToken)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CatalogSeeder));
        if (await db.Products.AnyAsync(cancellationToken))
        {
            return;
        }

        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        db.Brands.AddRange(CatalogSeedData.BrandNames.Select(n => new Brand { Name = n }));
        db.Categories.AddRange(CatalogSeedData.CategoryNames.Select(n => new Category { Name = n }));
        await db.SaveChangesAsync(cancellationToken);

        var products = CatalogSeedData.Generate(CatalogSeedData.SeedProductCount)
            .Select((p, i) => Product.Create(p.Details, p.Stock, now.AddMinutes(i - CatalogSeedData.SeedProductCount)));
        db.Products.AddRange(products);
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        logger.LogInformation("Seeded {Count} products", CatalogSeedData.SeedProductCount);
    }
}
