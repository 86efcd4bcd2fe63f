namespace Commerce.Tests.Catalog.Elasticsearch;

/// <summary>
/// The Elasticsearch server the contract tests run against, from <c>COMMERCE_TEST_ELASTICSEARCH</c>
/// (e.g. <c>http://elastic:pw@127.0.0.1:9200</c>). None can be installed on the build machines, so
/// without it those tests are reported as skipped with <see cref="SkipReason"/>: the only skip the
/// suite has.
/// </summary>
internal static class TestElasticsearch
{
    public const string Variable = "COMMERCE_TEST_ELASTICSEARCH";

    public const string SkipReason =
        $"Elasticsearch contract tests need a real Elasticsearch 9: set {Variable} (e.g. http://elastic:pw@127.0.0.1:9200). None can be installed on this machine.";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;
}

public sealed class ElasticsearchFactAttribute : FactAttribute
{
    public ElasticsearchFactAttribute()
    {
        if (TestElasticsearch.ConnectionString is null)
        {
            Skip = TestElasticsearch.SkipReason;
        }
    }
}

public sealed class ElasticsearchTheoryAttribute : TheoryAttribute
{
    public ElasticsearchTheoryAttribute()
    {
        if (TestElasticsearch.ConnectionString is null)
        {
            Skip = TestElasticsearch.SkipReason;
        }
    }
}
