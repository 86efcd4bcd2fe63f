using System.Diagnostics;
using Npgsql;
using Xunit.Abstractions;

namespace Commerce.Tests.Ordering;

/// <summary><c>scripts/chaos-invariants.py</c> against the databases of a shop the test runs.</summary>
public sealed class ChaosInvariantsScriptTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_invariant_checker_passes_a_settled_shop_and_names_each_broken_invariant()
    {
        await using var shop = await ShopServices.StartAsync();
        var doorbuster = await shop.CreateProductAsync(10m, 3);
        var paid = await shop.PlaceOrderAsync("inv-buyer-1", doorbuster, 2);
        var declined = await shop.PlaceOrderAsync("inv-buyer-2", doorbuster, 1, "4000 0000 0000 0002");
        Assert.Equal("Paid", (await shop.WaitForFinalAsync("inv-buyer-1", paid)).GetProperty("status").GetString());
        Assert.Equal("Cancelled", (await shop.WaitForFinalAsync("inv-buyer-2", declined)).GetProperty("status").GetString());
        var last = await shop.PlaceOrderAsync("inv-buyer-3", doorbuster, 1);
        Assert.Equal("Paid", (await shop.WaitForFinalAsync("inv-buyer-3", last)).GetProperty("status").GetString());
        var accepted = Path.GetTempFileName();
        try
        {
            await File.WriteAllLinesAsync(accepted, [paid.ToString(), declined.ToString(), last.ToString()]);
            var (exit, text) = await RunAsync(shop, "--accepted", accepted, "--doorbuster", $"{doorbuster}=3");
            output.WriteLine(text);
            Assert.True(exit == 0, text);
            Assert.DoesNotContain("FAIL", text);
            Assert.Equal(8, text.Split('\n').Count(l => l.StartsWith("PASS", StringComparison.Ordinal)));

            // Break one invariant of each kind, as a lost event or a double charge would.
            await ExecuteAsync(shop.OrderingConnectionString, $"UPDATE orders SET status = 'StockReserved' WHERE id = '{last}'");
            await ExecuteAsync(shop.OrderingConnectionString, $"UPDATE payments SET status = 'Approved' WHERE order_id = '{declined}'");
            await ExecuteAsync(shop.CatalogConnectionString, $"UPDATE products SET reserved_stock = 1 WHERE id = {doorbuster}");
            await ExecuteAsync(shop.CatalogConnectionString, $"UPDATE stock_reservations SET status = 'Released' WHERE order_id = '{paid}'");
            await File.AppendAllLinesAsync(accepted, [Guid.NewGuid().ToString()]);
            (exit, text) = await RunAsync(shop, "--accepted", accepted, "--doorbuster", $"{doorbuster}=3");
            output.WriteLine(text);
            Assert.Equal(1, exit);
            foreach (var invariant in new[]
            {
                "FAIL  every accepted order exists",
                "FAIL  every order is final",
                "FAIL  for every product, units sold",
                "FAIL  nothing stays reserved",
                "FAIL  every paid order's stock is committed",
                "FAIL  no cancelled order has an approved payment",
                $"FAIL  doorbuster product {doorbuster} sold exactly its 3 units",
            })
            {
                Assert.Contains(invariant, text);
            }

            Assert.Contains("PASS  every paid order has exactly one approved payment", text);
        }
        finally
        {
            File.Delete(accepted);
        }
    }

    private static async Task<(int Exit, string Output)> RunAsync(ShopServices shop, params string[] args)
    {
        var psi = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[Script(), "--catalog", shop.CatalogConnectionString, "--ordering", shop.OrderingConnectionString, .. args])
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("python3 did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string Script()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Commerce.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("The repository root (Commerce.sln) was not found above the test binaries."),
            "scripts", "chaos-invariants.py");
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
