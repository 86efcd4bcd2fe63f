using Microsoft.Extensions.Configuration;

namespace Commerce.ServiceDefaults.Messaging;

/// <summary>The broker named by <c>ConnectionStrings:messaging</c>: <c>amqp://user:pass@host:port[/vhost]</c>.</summary>
public sealed record MessagingConnection(string Host, ushort Port, string VirtualHost, string Username, string Password, bool UseTls)
{
    public const string ConnectionName = "messaging";

    public static MessagingConnection FromConfiguration(IConfiguration configuration)
    {
        var value = configuration.GetConnectionString(ConnectionName);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionName} is not set. Set environment variable ConnectionStrings__{ConnectionName} to amqp://user:pass@host:port[/vhost].");
        }

        return Parse(value);
    }

    public static MessagingConnection Parse(string value)
    {
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps") || string.IsNullOrEmpty(uri.Host))
        {
            // The value itself is not echoed: it holds the broker's password.
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionName} is not an AMQP address. Use amqp://user:pass@host:port[/vhost] (amqps:// for TLS).");
        }

        var tls = uri.Scheme == "amqps";
        var port = uri.IsDefaultPort || uri.Port <= 0 ? (ushort)(tls ? 5671 : 5672) : (ushort)uri.Port;
        var path = uri.AbsolutePath.Trim('/');
        var virtualHost = path.Length == 0 ? "/" : Uri.UnescapeDataString(path);
        var userInfo = uri.UserInfo.Split(':', 2);
        var username = userInfo[0].Length > 0 ? Uri.UnescapeDataString(userInfo[0]) : "guest";
        var password = userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : "guest";
        return new MessagingConnection(uri.Host, port, virtualHost, username, password, tls);
    }

    /// <summary>Without the password, so that it can be logged.</summary>
    public override string ToString() => $"{(UseTls ? "amqps" : "amqp")}://{Username}@{Host}:{Port}/{Uri.EscapeDataString(VirtualHost)}";
}
