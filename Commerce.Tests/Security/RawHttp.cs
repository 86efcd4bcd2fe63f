using System.Net.Sockets;
using System.Text;

namespace Commerce.Tests.Security;

/// <summary>
/// HTTP/1.1 written byte for byte, for what HttpClient refuses to send or quietly repairs: dot
/// segments in paths, control characters and line breaks in headers, repeated headers.
/// </summary>
public static class RawHttp
{
    public sealed record Response(int Status, string ContentType, string Body);

    /// <param name="head">The request line and headers, lines joined by CRLF, without Host, Connection or the blank line.</param>
    public static async Task<Response> SendAsync(Uri server, string head, string? body = null)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        await using var stream = tcp.GetStream();
        var bodyBytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        var request = new StringBuilder(head)
            .Append($"\r\nHost: {server.Authority}\r\nConnection: close\r\n")
            .Append(body is null ? "" : $"Content-Length: {bodyBytes.Length}\r\n")
            .Append("\r\n");
        // Latin-1 keeps every byte the test wrote, control characters included.
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request.ToString()));
        await stream.WriteAsync(bodyBytes);

        using var buffer = new MemoryStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await stream.CopyToAsync(buffer, timeout.Token);
        return Parse(buffer.ToArray());
    }

    private static Response Parse(byte[] bytes)
    {
        var text = Encoding.Latin1.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, $"no HTTP response head in: {text}");
        var lines = text[..end].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        string Header(string name) => lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(p => p[1].Trim()).FirstOrDefault() ?? "";
        var body = bytes.AsSpan(Encoding.Latin1.GetByteCount(text[..(end + 4)])).ToArray();
        if (Header("Transfer-Encoding").Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }

        return new Response(status, Header("Content-Type"), Encoding.UTF8.GetString(body));
    }

    private static byte[] Dechunk(byte[] chunked)
    {
        using var output = new MemoryStream();
        var position = 0;
        while (position < chunked.Length)
        {
            var lineEnd = Array.IndexOf(chunked, (byte)'\n', position);
            var sizeText = Encoding.ASCII.GetString(chunked, position, lineEnd - position).Trim().Split(';')[0];
            var size = Convert.ToInt32(sizeText, 16);
            if (size == 0)
            {
                break;
            }

            output.Write(chunked, lineEnd + 1, size);
            position = lineEnd + 1 + size + 2;
        }

        return output.ToArray();
    }
}
