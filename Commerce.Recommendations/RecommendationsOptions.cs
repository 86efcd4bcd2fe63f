namespace Commerce.Recommendations;

/// <summary>Bound from <c>Recommendations</c>.</summary>
public sealed class RecommendationsOptions
{
    public const string SectionName = "Recommendations";

    public const int MaxTake = 24;

    public const int MaxCategoryLength = 200;

    /// <summary>How far back "trending now" looks.</summary>
    public TimeSpan TrendingWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long an answer is reused (output cache on the replica, and <c>Cache-Control: max-age</c>
    /// for browsers and proxies); zero turns caching off. Counts move by the minute: a few seconds
    /// of staleness costs nothing and a flash sale's product page is read thousands of times.
    /// </summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often products without a known category are looked up in Catalog.</summary>
    public TimeSpan CategoryRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one call to Catalog may take before it counts as unanswered.</summary>
    public TimeSpan CatalogTimeout { get; set; } = TimeSpan.FromSeconds(3);
}
