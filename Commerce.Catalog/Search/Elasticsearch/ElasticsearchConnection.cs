using System.Net.Http.Headers;
using System.Text;

namespace Commerce.Catalog.Search.Elasticsearch;

/// <summary>
/// Where Elasticsearch is and how to sign in, from <c>ConnectionStrings:search</c>
/// (<c>http://user:pass@host:port</c>, as Aspire gives it). The credentials travel only in the
/// Authorization header: <see cref="ToString"/> and <see cref="BaseAddress"/> never carry them.
/// </summary>
public sealed class ElasticsearchConnection
{
    public const string ConnectionName = "search";

    private ElasticsearchConnection(Uri baseAddress, AuthenticationHeaderValue? authorization)
    {
        BaseAddress = baseAddress;
        Authorization = authorization;
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

        AuthenticationHeaderValue? authorization = null;
        if (uri.UserInfo.Length > 0)
        {
            var separator = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            var user = Uri.UnescapeDataString(separator < 0 ? uri.UserInfo : uri.UserInfo[..separator]);
            var password = separator < 0 ? string.Empty : Uri.UnescapeDataString(uri.UserInfo[(separator + 1)..]);
            authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }

        var path = uri.AbsolutePath.EndsWith('/') ? uri.AbsolutePath : uri.AbsolutePath + "/";
        var baseAddress = new UriBuilder(uri.Scheme, uri.Host, uri.Port, path).Uri;
        return new ElasticsearchConnection(baseAddress, authorization);
    }

    public override string ToString() => BaseAddress.GetLeftPart(UriPartial.Authority);
}
