using Commerce.Catalog.Data;
using Commerce.Ordering.Data;
using Commerce.Recommendations.Data;
using Commerce.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Commerce.Tests.Foundation;

/// <summary>
/// Each DbContext's model equals the snapshot its migrations end with, so a model changed
/// without `dotnet ef migrations add` (docs/development.md) fails here, not in production.
/// </summary>
public sealed class ModelSnapshotTests
{
    public static TheoryData<string> Contexts => new() { nameof(CatalogDbContext), nameof(OrderingDbContext), nameof(RecommendationsDbContext), nameof(IdentityDb) };

    [Theory]
    [MemberData(nameof(Contexts))]
    public void The_model_has_no_change_missing_from_the_migrations(string context)
    {
        using DbContext db = context switch
        {
            nameof(CatalogDbContext) => new CatalogDesignTimeFactory().CreateDbContext([]),
            nameof(OrderingDbContext) => new OrderingDesignTimeFactory().CreateDbContext([]),
            nameof(RecommendationsDbContext) => new RecommendationsDesignTimeFactory().CreateDbContext([]),
            nameof(IdentityDb) => new IdentityDbDesignTimeFactory().CreateDbContext([]),
            _ => throw new ArgumentOutOfRangeException(nameof(context)),
        };

        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(),
            $"{context}'s model differs from its model snapshot: add a migration with `dotnet ef migrations add <Name> --project <service>` (docs/development.md).");
    }

    [Fact]
    public void A_model_with_a_column_the_snapshot_lacks_is_seen()
    {
        // The check above can fail: the catalogue's own migrations against its model plus one column.
        var options = new DbContextOptionsBuilder<CatalogDbContext>()
            .UseNpgsql("Host=localhost;Database=design_time")
            .ReplaceService<IModelCustomizer, ExtraProductColumn>()
            .Options;
        using var db = new CatalogDbContext(options);

        Assert.True(db.Database.HasPendingModelChanges());
    }

    private sealed class ExtraProductColumn(ModelCustomizerDependencies dependencies) : RelationalModelCustomizer(dependencies)
    {
        public override void Customize(ModelBuilder modelBuilder, DbContext context)
        {
            base.Customize(modelBuilder, context);
            var products = modelBuilder.Model.GetEntityTypes().Single(e => e.GetTableName() == "products");
            modelBuilder.Entity(products.ClrType).Property<string>("Colour").HasColumnName("colour");
        }
    }
}
