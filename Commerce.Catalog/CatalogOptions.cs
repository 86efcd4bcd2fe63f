namespace Commerce.Catalog;

/// <summary>Catalog tuning, bound from <c>Catalog</c> (e.g. <c>Catalog__ProductCacheTtl=00:10:00</c>).</summary>
public sealed class CatalogOptions
{
    public const string SectionName = "Catalog";

    /// <summary>How long a cached product lives in Redis; invalidation normally replaces it sooner.</summary>
    public TimeSpan ProductCacheTtl { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Prefix of every Redis key, so several catalogues (or test classes) can share one Redis.</summary>
    public string CacheKeyPrefix { get; set; } = "catalog";

    /// <summary>Seeds the demo catalogue into an empty database at start-up.</summary>
    public bool Seed { get; set; } = true;

    public int DefaultPageSize { get; set; } = 20;
    public const int MaxPageSize = 100;
    public const int MaxIdsPerRequest = 100;
    public const int MaxQueryLength = 200;
}
