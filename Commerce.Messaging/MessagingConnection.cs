using Microsoft.Extensions.Configuration;
using RabbitMQ.Client;

namespace Commerce.Messaging;

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

        // RabbitMQ.Client reads the URI as its specification says (default ports, escaped user,
        // password and virtual host, "/" when none is named).
        var factory = new ConnectionFactory { Uri = uri };
        return new MessagingConnection(factory.HostName, (ushort)factory.Endpoint.Port, factory.VirtualHost,
            factory.UserName, factory.Password, factory.Ssl.Enabled);
    }

    /// <summary>Without the password, so that it can be logged.</summary>
    public override string ToString() => $"{(UseTls ? "amqps" : "amqp")}://{Username}@{Host}:{Port}/{Uri.EscapeDataString(VirtualHost)}";
}
