namespace Commerce.Catalog.Search.Elasticsearch;

/// <summary>
/// What this replica knows about the index: whether the start-up check found it current (until then
/// searches go straight to PostgreSQL), why it is not, and whether queries are failing now (so a
/// dead Elasticsearch logs one warning, not one per search).
/// </summary>
public sealed class SearchIndexState
{
    private volatile bool _ready;
    private volatile string _status = "The search index has not been checked yet.";
    private int _queriesFailing;

    public bool IsReady => _ready;

    public string Status => _status;

    public void MarkReady(string status)
    {
        _status = status;
        _ready = true;
    }

    public void MarkNotReady(string status)
    {
        _status = status;
        _ready = false;
    }

    /// <summary>True for the first failure after a success (worth a warning).</summary>
    public bool ReportQueryFailure() => Interlocked.Exchange(ref _queriesFailing, 1) == 0;

    /// <summary>True for the first success after failures (worth telling too).</summary>
    public bool ReportQuerySuccess() => Interlocked.Exchange(ref _queriesFailing, 0) == 1;
}
