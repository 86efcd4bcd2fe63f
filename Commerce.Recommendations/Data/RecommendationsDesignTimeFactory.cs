using Commerce.Data;

namespace Commerce.Recommendations.Data;

/// <summary>Recommendations' context for <c>dotnet ef</c> (docs/development.md).</summary>
public sealed class RecommendationsDesignTimeFactory : DesignTimeDbContextFactory<RecommendationsDbContext>;
