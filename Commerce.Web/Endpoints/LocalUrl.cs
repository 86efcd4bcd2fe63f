namespace Commerce.Web.Endpoints;

/// <summary>Only paths on this site are followed after a form post: no open redirects.</summary>
public static class LocalUrl
{
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Contains("://", StringComparison.Ordinal);

    public static string OrDefault(string? url, string fallback) => IsLocal(url) ? url! : fallback;
}
