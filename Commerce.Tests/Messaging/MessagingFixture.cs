using Commerce.Tests.Infrastructure;

namespace Commerce.Tests.Messaging;

/// <summary>One test class's own database and virtual host on the shared servers, and its app.</summary>
public sealed class MessagingFixture : IAsyncLifetime
{
    public KestrelApp App { get; private set; } = null!;
    public TestServers Servers { get; private set; } = null!;
    public string VirtualHost { get; } = $"messaging-{Guid.NewGuid():N}";
    public Dictionary<string, string?> Settings { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Servers = await TestServers.GetAsync();
        var rabbit = await Servers.RabbitMq.CreateVirtualHostAsync(VirtualHost);
        Settings = MessagingTestApp.Settings(Servers.Postgres.ConnectionString(PostgresServer.UniqueDatabaseName("messaging")), rabbit);
        App = await MessagingTestApp.StartAsync(Settings);
        await App.WaitForBusAsync();
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}
