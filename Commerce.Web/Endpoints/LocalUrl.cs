using System.Text;

namespace Commerce.Web.Endpoints;

/// <summary>Only paths on this site are followed after a form post: no open redirects.</summary>
public static class LocalUrl
{
    /// <summary>
    /// A path on this site: one leading slash (not two, not a backslash), no scheme, and no
    /// control character (browsers drop tabs and line breaks, so <c>/\t/evil.example</c> would
    /// become <c>//evil.example</c>; a header cannot carry them either).
    /// </summary>
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Contains("://", StringComparison.Ordinal) && !url.Any(char.IsControl);

    /// <summary>
    /// The url if local, else <paramref name="fallback"/>; written in ASCII (other characters
    /// percent-encoded as UTF-8), the only form a Location header can carry.
    /// </summary>
    public static string OrDefault(string? url, string fallback) => IsLocal(url) ? ToAscii(url!) : fallback;

    private static string ToAscii(string url)
    {
        if (url.All(c => c is > ' ' and < '\u007f'))
        {
            return url;
        }

        var sb = new StringBuilder(url.Length + 16);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < url.Length; i++)
        {
            var c = url[i];
            if (c is > ' ' and < '\u007f')
            {
                sb.Append(c);
                continue;
            }

            var length = char.IsHighSurrogate(c) && i + 1 < url.Length && char.IsLowSurrogate(url[i + 1])
                ? Encoding.UTF8.GetBytes(url.AsSpan(i++, 2), utf8)
                : Encoding.UTF8.GetBytes(url.AsSpan(i, 1), utf8);
            foreach (var b in utf8[..length])
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }
}
