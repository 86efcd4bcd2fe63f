using Commerce.Messaging;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Commerce.Tests.Messaging;

public sealed class MessagingConfigurationTests
{
    [Fact]
    public void A_service_without_a_broker_address_refuses_to_start_and_names_the_key()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = "Commerce.Tests" });
        var error = Assert.Throws<InvalidOperationException>(() => builder.AddMessaging());
        Assert.Contains("ConnectionStrings__messaging", error.Message);
    }

    [Fact]
    public void The_bus_sends_no_usage_telemetry_to_the_vendor()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = "Commerce.Tests" });
        builder.Configuration["ConnectionStrings:messaging"] = "amqp://guest:guest@127.0.0.1:5672";
        builder.AddMessaging();
        using var services = builder.Services.BuildServiceProvider();
        Assert.False(services.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value.Enabled);
    }

    [Theory]
    [InlineData("amqp://user:p%40ss@rabbit:5673/shop", "rabbit", 5673, "shop", "user", "p@ss", false)]
    [InlineData("amqp://guest:guest@127.0.0.1:5672", "127.0.0.1", 5672, "/", "guest", "guest", false)]
    [InlineData("amqps://app:secret@mq.example.net", "mq.example.net", 5671, "/", "app", "secret", true)]
    [InlineData("amqp://u:p@h:1/%2F", "h", 1, "/", "u", "p", false)]
    public void The_connection_string_is_read_as_amqp(string value, string host, int port, string vhost, string user, string password, bool tls)
    {
        var connection = MessagingConnection.Parse(value);
        Assert.Equal(new MessagingConnection(host, (ushort)port, vhost, user, password, tls), connection);
        Assert.DoesNotContain($":{password}@", connection.ToString());
    }

    [Theory]
    [InlineData("rabbit:5672")]
    [InlineData("http://guest:guest@rabbit:5672")]
    [InlineData("amqp:///vhost")]
    public void A_malformed_connection_string_is_refused_without_echoing_it(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => MessagingConnection.Parse(value));
        Assert.Contains("ConnectionStrings:messaging", error.Message);
        Assert.DoesNotContain(value, error.Message);
    }
}
