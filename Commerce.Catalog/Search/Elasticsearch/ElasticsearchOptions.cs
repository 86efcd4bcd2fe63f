namespace Commerce.Catalog.Search.Elasticsearch;

/// <summary>Elasticsearch search tuning, bound from <c>Catalog:Elasticsearch</c>.</summary>
public sealed class ElasticsearchOptions
{
    public const string SectionName = "Catalog:Elasticsearch";

    /// <summary>
    /// The alias searches and updates go through; each full build is a new index
    /// <c>{alias}-v{mapping version}-{time}</c> that the alias is switched to once it is complete.
    /// Lower case (an Elasticsearch rule).
    /// </summary>
    public string IndexAlias { get; set; } = "products";

    /// <summary>Products per <c>_bulk</c> request during a full build.</summary>
    public int BulkBatchSize { get; set; } = 500;

    /// <summary>The first wait before a failed start-up build is tried again; it doubles up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How far before a build's start a catch-up looks for changed products, for clocks that disagree.</summary>
    public TimeSpan CatchUpMargin { get; set; } = TimeSpan.FromMinutes(1);
}
