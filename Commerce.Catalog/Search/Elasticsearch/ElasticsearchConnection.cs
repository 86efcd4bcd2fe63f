using System.Net.Http.Headers;
using System.Text;
using Elastic.Clients.Elasticsearch;
using Elastic.Transport;

namespace Commerce.Catalog.Search.Elasticsearch;

/// <summary>
/// Where Elasticsearch is and how to sign in, from <c>ConnectionStrings:search</c>
/// (<c>http://user:pass@host:port</c>, as Aspire gives it). The credentials travel only in the
/// Authorization header: <see cref="ToString"/> and <see cref="BaseAddress"/> never carry them.
/// </summary>
public sealed class ElasticsearchConnection
{
    public const string ConnectionName = "search";

    private readonly (string User, string Password)? _credentials;

    private ElasticsearchConnection(Uri baseAddress, (string User, string Password)? credentials)
    {
        BaseAddress = baseAddress;
        _credentials = credentials;
        Authorization = credentials is { } c
            ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{c.User}:{c.Password}")))
            : null;
    }

    /// <summary>Scheme, host, port and path only, ending in '/'.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Basic credentials from the user info, or null when the address has none.</summary>
    public AuthenticationHeaderValue? Authorization { get; }

    /// <summary>The connection, or null when none is configured (search then runs on PostgreSQL).</summary>
    public static ElasticsearchConnection? FromConfiguration(IConfiguration configuration)
    {
        var text = configuration.GetConnectionString(ConnectionName);
        return string.IsNullOrWhiteSpace(text) ? null : Parse(text);
    }

    public static ElasticsearchConnection Parse(string connectionString)
    {
        if (!Uri.TryCreate(connectionString.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(uri.Host))
        {
            // The value itself is not repeated: it may hold a password.
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionName} is not an http(s) address. Set ConnectionStrings__{ConnectionName} to http://user:password@host:port, or remove it to search with PostgreSQL.");
        }

        (string, string)? credentials = null;
        if (uri.UserInfo.Length > 0)
        {
            var separator = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            var user = Uri.UnescapeDataString(separator < 0 ? uri.UserInfo : uri.UserInfo[..separator]);
            var password = separator < 0 ? string.Empty : Uri.UnescapeDataString(uri.UserInfo[(separator + 1)..]);
            credentials = (user, password);
        }

        var path = uri.AbsolutePath.EndsWith('/') ? uri.AbsolutePath : uri.AbsolutePath + "/";
        var baseAddress = new UriBuilder(uri.Scheme, uri.Host, uri.Port, path).Uri;
        return new ElasticsearchConnection(baseAddress, credentials);
    }

    /// <summary>
    /// The official client for this address, sending through the HttpClient pipeline
    /// <paramref name="pipeline"/> (its resilience handler and telemetry) instead of a handler of
    /// its own. Retries, timeouts and the circuit breaker are the pipeline's; the client neither
    /// retries nor pings, so one search is one attempt there.
    /// </summary>
    public ElasticsearchClient CreateClient(IHttpMessageHandlerFactory handlers, string pipeline)
    {
        var invoker = new HttpRequestInvoker((own, _) =>
        {
            own.Dispose();
            return handlers.CreateHandler(pipeline);
        });
        var settings = new ElasticsearchClientSettings(new SingleNodePool(BaseAddress), invoker)
            .DisablePing()
            .MaximumRetries(0)
            // Above any total timeout of the pipelines: the resilience handler decides when to give up.
            .RequestTimeout(TimeSpan.FromMinutes(10));
        if (_credentials is { } c)
        {
            settings = settings.Authentication(new BasicAuthentication(c.User, c.Password));
        }

        return new ElasticsearchClient(settings);
    }

    public override string ToString() => BaseAddress.GetLeftPart(UriPartial.Authority);
}
