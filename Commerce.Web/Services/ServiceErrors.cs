namespace Commerce.Web.Services;

/// <summary>The service did not answer, or failed on its side: the page says so and offers a retry.</summary>
public sealed class ServiceUnavailableException(string service, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public string Service { get; } = service;
}

/// <summary>The service refused the request (4xx) with a reason a shopper can act on.</summary>
public sealed class ServiceRejectedException(string service, int status, string message, IReadOnlyDictionary<string, string[]>? errors = null)
    : Exception(message)
{
    public string Service { get; } = service;
    public int Status { get; } = status;
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors ?? new Dictionary<string, string[]>();
}
