using System.Text.Json;
using Commerce.Catalog.Data;
using Commerce.Ordering;
using Commerce.Ordering.Data;
using Commerce.Tests.Catalog;
using Commerce.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace Commerce.Tests.Foundation;

/// <summary>
/// A database made by the hand-written migrations, holding data, is taken over by the service's
/// start-up migration (as in production) once the model snapshots exist: nothing runs again,
/// no table is recreated, the data is still there and served.
/// </summary>
public sealed class MigrationUpgradeTests
{
    // The last migration of each context before the model snapshots were added (docs/development.md).
    private const string CatalogBaseline = "20261121000200_OutboxMessageIdIndex";
    private const string OrderingBaseline = "20261121000003_OutboxMessageIdIndex";

    [Fact]
    public async Task Catalog_takes_over_a_database_made_by_the_earlier_migrations_without_running_them_again()
    {
        var servers = await TestServers.GetAsync();
        var connectionString = servers.Postgres.ConnectionString(PostgresServer.UniqueDatabaseName("upgradecatalog"));
        await using (var db = new CatalogDbContext(new DbContextOptionsBuilder<CatalogDbContext>().UseNpgsql(connectionString).Options))
        {
            await db.GetService<IMigrator>().MigrateAsync(CatalogBaseline);
        }

        var productId = await ScalarAsync<int>(connectionString, """
            INSERT INTO brands (name) VALUES ('Upgrade Brand');
            INSERT INTO categories (name) VALUES ('Upgrade Category');
            INSERT INTO products (sku, name, description, brand, category, price, currency, available_stock, created_at, updated_at)
            VALUES ('UPG-1', 'Upgrade kettle', 'Kept across the upgrade', 'Upgrade Brand', 'Upgrade Category', 12.34, 'EUR', 7, now(), now())
            RETURNING id;
            """);
        var before = await SchemaAsync(connectionString);
        Assert.Contains(CatalogBaseline, before.History);

        await using var catalog = await CatalogService.StartAsync(connectionString, servers.Redis.ConnectionString, $"upgrade-{Guid.NewGuid():N}");

        var after = await SchemaAsync(connectionString);
        AssertNothingRanAgain(before, after);
        // The seeder saw a catalogue with products and left it alone.
        Assert.Equal(1L, await ScalarAsync<long>(connectionString, "SELECT count(*) FROM products"));
        using var client = catalog.CreateClient();
        using var response = await client.GetAsync($"/api/catalog/products/{productId}");
        var product = await CatalogService.JsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"GET product answered {(int)response.StatusCode}: {product}");
        Assert.Equal("Upgrade kettle", product.GetProperty("name").GetString());
        Assert.Equal(12.34m, product.GetProperty("price").GetDecimal());
        Assert.Equal(7, product.GetProperty("availableStock").GetInt32());
    }

    [Fact]
    public async Task Ordering_takes_over_a_database_made_by_the_earlier_migrations_without_running_them_again()
    {
        var servers = await TestServers.GetAsync();
        var connectionString = servers.Postgres.ConnectionString(PostgresServer.UniqueDatabaseName("upgradeordering"));
        await using (var db = new OrderingDbContext(new DbContextOptionsBuilder<OrderingDbContext>().UseNpgsql(connectionString).Options))
        {
            await db.GetService<IMigrator>().MigrateAsync(OrderingBaseline);
        }

        var orderId = Guid.NewGuid();
        var buyer = $"upgrade-{Guid.NewGuid():N}";
        await ScalarAsync<int>(connectionString, $"""
            INSERT INTO orders (id, buyer_id, idempotency_key, request_hash, status, currency, card_brand, card_last4,
                payment_method_token, ship_name, ship_street, ship_city, ship_postal_code, ship_country, created_at, updated_at)
            VALUES ('{orderId}', '{buyer}', 'key-1', 'hash', 'Paid', 'EUR', 'Visa', '4242', 'tok', 'Ada', '1 Street', 'Town', '1000', 'BE', now(), now());
            INSERT INTO order_lines (order_id, product_id, name, unit_price, quantity) VALUES ('{orderId}', 5, 'Upgrade kettle', 12.34, 2);
            -- An event type since removed, still waiting to be relayed.
            INSERT INTO outbox_messages (message_id, aggregate_id, message_type, payload, occurred_at, created_at)
            VALUES (gen_random_uuid(), 'order:{orderId}', 'Commerce.Contracts.PaymentSucceeded, Commerce.Contracts', jsonb_build_object(), now(), now());
            SELECT 1;
            """);
        var before = await SchemaAsync(connectionString);
        Assert.Contains(OrderingBaseline, before.History);

        var settings = TestTokens.ServiceSettings();
        settings["ConnectionStrings:orderingdb"] = connectionString;
        settings["ConnectionStrings:messaging"] = await servers.RabbitMq.CreateVirtualHostAsync($"upgrade-{Guid.NewGuid():N}");
        settings["services:catalog:http:0"] = "http://127.0.0.1:9";
        settings["services:cart:http:0"] = "http://127.0.0.1:9";
        await using var ordering = await KestrelApp.StartServiceAsync(OrderingApp.Build, settings, OrderingApp.InitializeAsync);

        AssertNothingRanAgain(before, await SchemaAsync(connectionString));
        // The removed event's row is gone rather than holding back the order's later events.
        Assert.Equal(0L, await ScalarAsync<long>(connectionString, "SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Commerce.Contracts.PaymentSucceeded,%'"));
        using var client = ordering.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.For(buyer));
        using var response = await client.GetAsync($"/api/orders/{orderId}");
        var order = await CatalogService.JsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"GET order answered {(int)response.StatusCode}: {order}");
        Assert.Equal("Paid", order.GetProperty("status").GetString());
        var line = Assert.Single(order.GetProperty("lines").EnumerateArray());
        Assert.Equal(2, line.GetProperty("quantity").GetInt32());
        Assert.Equal(24.68m, order.GetProperty("total").GetDecimal());
    }

    private static void AssertNothingRanAgain(Schema before, Schema after)
    {
        // The history is kept as it was; only migrations added since may follow it.
        Assert.Equal(before.History, after.History.Take(before.History.Count));
        Assert.Empty(after.History.Skip(before.History.Count).Intersect(before.History));
        // A migration that ran again would have dropped and recreated its tables (new oids).
        foreach (var (table, oid) in before.Tables)
        {
            Assert.True(after.Tables.TryGetValue(table, out var now), $"table {table} is gone");
            Assert.True(oid == now, $"table {table} was recreated");
        }
    }

    private sealed record Schema(IReadOnlyList<string> History, IReadOnlyDictionary<string, uint> Tables);

    private static async Task<Schema> SchemaAsync(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        var history = new List<string>();
        await using (var cmd = new NpgsqlCommand("SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\" ORDER BY \"MigrationId\"", conn))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                history.Add(reader.GetString(0));
            }
        }

        var tables = new Dictionary<string, uint>();
        await using (var cmd = new NpgsqlCommand("SELECT relname, oid FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'", conn))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables[reader.GetString(0)] = reader.GetFieldValue<uint>(1);
            }
        }

        return new Schema(history, tables);
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)Convert.ChangeType((await cmd.ExecuteScalarAsync())!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }
}
