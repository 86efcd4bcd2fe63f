using Commerce.Data;

namespace Commerce.Catalog.Data;

/// <summary>The catalogue's context for <c>dotnet ef</c> (docs/development.md).</summary>
public sealed class CatalogDesignTimeFactory : DesignTimeDbContextFactory<CatalogDbContext>;
