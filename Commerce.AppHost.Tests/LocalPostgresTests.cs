using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Npgsql;

namespace Commerce.AppHost.Tests;

/// <summary>The AppHost's own PostgreSQL (no container runtime) has room for every service's pool.</summary>
[Collection(ShopGraphCollection.Name)]
public sealed class LocalPostgresTests(ShopGraph graph)
{
    [Fact]
    public async Task PostgreSQL_has_room_for_six_service_pools()
    {
        var connectionString = await graph.App.GetConnectionStringAsync("postgres")
            ?? throw new InvalidOperationException("the graph's PostgreSQL has no connection string");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var show = new NpgsqlCommand("SHOW max_connections", connection);
        var limit = int.Parse((string)(await show.ExecuteScalarAsync())!, System.Globalization.CultureInfo.InvariantCulture);
        // Catalog and Ordering at two replicas, Web and Recommendations: six pools of at most 25.
        Assert.True(limit >= 6 * 25 + 20, $"max_connections is {limit}: six pools of 25 need at least 170");
    }
}
