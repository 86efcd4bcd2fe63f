using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Commerce.Catalog.Data;
using Commerce.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace Commerce.Tests.Catalog;

/// <summary>
/// Search reads product_search and the per-pair facet counts, which triggers keep in step with the
/// products: every admin change must show in search results and facets at once, and a database
/// created before the table existed must be carried over by its migration.
/// </summary>
public sealed class SearchTableTests(CatalogService catalog) : IClassFixture<CatalogService>
{
    [Fact]
    public async Task Admin_changes_show_in_search_and_in_facets_at_once()
    {
        using var admin = catalog.AdminClient();
        var word = UniqueWord();
        var before = await FacetsAsync("api/catalog/products");
        var beforeRange = await FacetsAsync("api/catalog/products?minPrice=40&maxPrice=45");

        using var created = await admin.PostAsJsonAsync("api/catalog/products", new
        {
            sku = $"ST-{Guid.NewGuid():N}"[..20], name = "Facet Probe Jacket", description = $"Lined with {word} for the test.",
            brand = "Facet Probe Co", category = "Jackets", price = 42.50m, currency = "EUR", availableStock = 3,
        });
        var product = await CatalogService.JsonAsync(created);
        Assert.True(created.StatusCode == HttpStatusCode.Created, product.ToString());
        var id = product.GetProperty("id").GetInt32();

        var found = await catalog.GetJsonAsync($"api/catalog/products?q={word}");
        Assert.Equal(1, found.GetProperty("total").GetInt64());
        Assert.Equal(id, found.GetProperty("items")[0].GetProperty("id").GetInt32());
        var listed = await FacetsAsync("api/catalog/products");
        Assert.Equal(1, listed.Brands.GetValueOrDefault("Facet Probe Co"));
        Assert.Equal(before.Categories.GetValueOrDefault("Jackets") + 1, listed.Categories["Jackets"]);
        Assert.Equal(before.Total + 1, listed.Total);
        var inRange = await FacetsAsync("api/catalog/products?minPrice=40&maxPrice=45");
        Assert.Equal(1, inRange.Brands.GetValueOrDefault("Facet Probe Co"));
        Assert.Equal(beforeRange.Total + 1, inRange.Total);
        Assert.Equal(0, (await FacetsAsync("api/catalog/products?minPrice=43")).Brands.GetValueOrDefault("Facet Probe Co"));

        // New brand, category, price and description: the old word no longer finds it, the new one does.
        var renamed = UniqueWord();
        using var updated = await admin.PutAsJsonAsync($"api/catalog/products/{id}", new
        {
            sku = product.GetProperty("sku").GetString(), name = "Facet Probe Boot", description = $"Now with {renamed}.",
            brand = "Stridewell", category = "Hiking Boots", price = 99.00m, currency = "EUR", version = product.GetProperty("version").GetInt32(),
        });
        Assert.True(updated.StatusCode == HttpStatusCode.OK, (await CatalogService.JsonAsync(updated)).ToString());
        Assert.Equal(0, (await catalog.GetJsonAsync($"api/catalog/products?q={word}")).GetProperty("total").GetInt64());
        var moved = await catalog.GetJsonAsync($"api/catalog/products?q={renamed}&sort=price_desc");
        Assert.Equal(1, moved.GetProperty("total").GetInt64());
        Assert.Equal("Hiking Boots", moved.GetProperty("items")[0].GetProperty("category").GetString());
        var afterUpdate = await FacetsAsync("api/catalog/products");
        Assert.False(afterUpdate.Brands.ContainsKey("Facet Probe Co"), "a brand with no products left is not offered");
        Assert.Equal(before.Categories.GetValueOrDefault("Jackets"), afterUpdate.Categories.GetValueOrDefault("Jackets"));
        Assert.Equal(before.Categories["Hiking Boots"] + 1, afterUpdate.Categories["Hiking Boots"]);
        Assert.Equal(before.Brands["Stridewell"] + 1, afterUpdate.Brands["Stridewell"]);
        Assert.Equal(beforeRange.Total, (await FacetsAsync("api/catalog/products?minPrice=40&maxPrice=45")).Total);

        using var deleted = await admin.DeleteAsync($"api/catalog/products/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(0, (await catalog.GetJsonAsync($"api/catalog/products?q={renamed}")).GetProperty("total").GetInt64());
        var afterDelete = await FacetsAsync("api/catalog/products");
        Assert.Equal(before.Total, afterDelete.Total);
        Assert.Equal(before.Brands["Stridewell"], afterDelete.Brands["Stridewell"]);
        Assert.Equal(before.Categories["Hiking Boots"], afterDelete.Categories["Hiking Boots"]);
    }

    [Fact]
    public async Task Stock_changes_leave_the_search_row_alone()
    {
        await using var dataSource = NpgsqlDataSource.Create(catalog.ConnectionString);
        await using var read = dataSource.CreateCommand("SELECT xmin::text FROM product_search WHERE product_id = 1");
        var version = (string?)await read.ExecuteScalarAsync();
        await using (var stock = dataSource.CreateCommand("UPDATE products SET available_stock = available_stock + 1, version = version + 1 WHERE id = 1"))
        {
            Assert.Equal(1, await stock.ExecuteNonQueryAsync());
        }

        Assert.NotNull(version);
        Assert.Equal(version, (string?)await read.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_catalogue_from_before_the_search_table_is_carried_over()
    {
        var servers = await TestServers.GetAsync();
        var connectionString = servers.Postgres.ConnectionString(PostgresServer.UniqueDatabaseName("catalog_upgrade"));
        await using (var admin = NpgsqlDataSource.Create(servers.Postgres.ConnectionString("postgres")))
        await using (var create = admin.CreateCommand($"CREATE DATABASE {new NpgsqlConnectionStringBuilder(connectionString).Database}"))
        {
            await create.ExecuteNonQueryAsync();
        }

        var options = new DbContextOptionsBuilder<CatalogDbContext>().UseNpgsql(connectionString).Options;
        await using (var db = new CatalogDbContext(options))
        {
            await db.GetService<IMigrator>().MigrateAsync("20261121000000_Messaging");
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO brands (name) VALUES ('Oldtimer');
                INSERT INTO categories (name) VALUES ('Lanterns');
                INSERT INTO products (sku, name, description, brand, category, price, currency, available_stock, created_at, updated_at)
                SELECT 'OLD-' || n, 'Storm Lantern ' || n, 'A paraffin lantern from the old catalogue.', 'Oldtimer', 'Lanterns', 10 + n, 'EUR', 5, now(), now()
                FROM generate_series(1, 3) AS n;
                """);
        }

        await using var app = await CatalogService.StartAsync(connectionString, servers.Redis.ConnectionString, $"catalog-{Guid.NewGuid():N}");
        using var client = app.CreateClient();
        var page = await client.GetFromJsonAsync<JsonElement>("api/catalog/products?q=paraffin+lantern");
        Assert.Equal(3, page.GetProperty("total").GetInt64());
        Assert.All(page.GetProperty("items").EnumerateArray(), item => Assert.StartsWith("Storm Lantern", item.GetProperty("name").GetString(), StringComparison.Ordinal));
        var listing = await client.GetFromJsonAsync<JsonElement>("api/catalog/products?brand=Oldtimer");
        Assert.Equal(3, listing.GetProperty("total").GetInt64());
        Assert.Contains(listing.GetProperty("facets").GetProperty("categories").EnumerateArray(),
            c => c.GetProperty("name").GetString() == "Lanterns" && c.GetProperty("count").GetInt64() == 3);
    }

    private static string UniqueWord() => "zq" + new string(Guid.NewGuid().ToString("N").Where(char.IsLetter).Take(10).ToArray());

    private async Task<(long Total, Dictionary<string, long> Brands, Dictionary<string, long> Categories)> FacetsAsync(string path)
    {
        var page = await catalog.GetJsonAsync(path);
        var facets = page.GetProperty("facets");
        static Dictionary<string, long> Counts(JsonElement list) =>
            list.EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("count").GetInt64());
        return (page.GetProperty("total").GetInt64(), Counts(facets.GetProperty("brands")), Counts(facets.GetProperty("categories")));
    }
}
