using Commerce.Data;

namespace Commerce.Ordering.Data;

/// <summary>Ordering's context for <c>dotnet ef</c> (docs/development.md).</summary>
public sealed class OrderingDesignTimeFactory : DesignTimeDbContextFactory<OrderingDbContext>;
