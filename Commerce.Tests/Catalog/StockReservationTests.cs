using System.Net.Http.Json;
using Commerce.Catalog.Domain;
using Commerce.Catalog.Stock;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Commerce.Tests.Catalog;

public sealed class StockReservationTests(CatalogService catalog) : IClassFixture<CatalogService>
{
    private StockReservations Stock => catalog.App.App.Services.GetRequiredService<StockReservations>();

    private async Task<int> NewProductAsync(int stock)
    {
        using var admin = catalog.AdminClient();
        using var response = await admin.PostAsJsonAsync("api/catalog/products", new
        {
            sku = $"STK-{Guid.NewGuid():N}"[..20].ToUpperInvariant(), name = "Flash Sale Sneaker", description = "Limited.", brand = "Stridewell",
            category = "Running Shoes", price = 99m, availableStock = stock,
        });
        response.EnsureSuccessStatusCode();
        return (await CatalogService.JsonAsync(response)).GetProperty("id").GetInt32();
    }

    private async Task<(int Available, int Reserved)> StockOfAsync(int id)
    {
        await using var connection = new NpgsqlConnection(catalog.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT available_stock, reserved_stock FROM products WHERE id = $1", connection) { Parameters = { new() { Value = id } } };
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetInt32(0), reader.GetInt32(1));
    }

    [Fact]
    public async Task Hundred_concurrent_reservations_of_one_unit_against_ten_in_stock_confirm_exactly_ten()
    {
        var id = await NewProductAsync(10);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ =>
            Task.Run(() => Stock.ReserveAsync(Guid.NewGuid(), [new StockLine(id, 1)], CancellationToken.None))));

        Assert.Equal(10, outcomes.Count(o => o.Status == ReservationStatus.Reserved));
        Assert.Equal(90, outcomes.Count(o => o.Status == ReservationStatus.Rejected));
        Assert.All(outcomes.Where(o => o.Status == ReservationStatus.Rejected), o => Assert.Equal(id, Assert.Single(o.Shortages).ProductId));
        Assert.Equal((0, 10), await StockOfAsync(id));
        Assert.Equal(0, (await catalog.GetJsonAsync($"api/catalog/products/{id}")).GetProperty("availableStock").GetInt32());
    }

    [Fact]
    public async Task An_order_gets_all_its_lines_or_none_and_learns_which_are_short()
    {
        var plenty = await NewProductAsync(10);
        var scarce = await NewProductAsync(1);
        var order = Guid.NewGuid();

        var outcome = await Stock.ReserveAsync(order, [new StockLine(plenty, 3), new StockLine(scarce, 2), new StockLine(987654, 1)], CancellationToken.None);

        Assert.Equal(ReservationStatus.Rejected, outcome.Status);
        Assert.Equal([scarce, 987654], outcome.Shortages.Select(s => s.ProductId).Order().ToArray());
        var shortage = outcome.Shortages.Single(s => s.ProductId == scarce);
        Assert.Equal((2, 1), (shortage.Requested, shortage.Available));
        Assert.Equal((10, 0), await StockOfAsync(plenty));
        Assert.Equal((1, 0), await StockOfAsync(scarce));

        var fits = await Stock.ReserveAsync(Guid.NewGuid(), [new StockLine(plenty, 3), new StockLine(scarce, 1)], CancellationToken.None);
        Assert.Equal(ReservationStatus.Reserved, fits.Status);
        Assert.Equal((7, 3), await StockOfAsync(plenty));
        Assert.Equal((0, 1), await StockOfAsync(scarce));
    }

    [Fact]
    public async Task Repeating_a_reservation_for_the_same_order_changes_nothing()
    {
        var id = await NewProductAsync(10);
        var order = Guid.NewGuid();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            Task.Run(() => Stock.ReserveAsync(order, [new StockLine(id, 4)], CancellationToken.None))));

        Assert.All(outcomes, o => Assert.Equal(ReservationStatus.Reserved, o.Status));
        Assert.Equal(1, outcomes.Count(o => o.Changed));
        Assert.Equal((6, 4), await StockOfAsync(id));
    }

    [Fact]
    public async Task A_rejected_order_stays_rejected_even_when_stock_arrives_later()
    {
        var id = await NewProductAsync(1);
        var order = Guid.NewGuid();
        Assert.Equal(ReservationStatus.Rejected, (await Stock.ReserveAsync(order, [new StockLine(id, 2)], CancellationToken.None)).Status);
        using var admin = catalog.AdminClient();
        (await admin.PostAsJsonAsync($"api/catalog/products/{id}/stock", new { delta = 5 })).EnsureSuccessStatusCode();

        var again = await Stock.ReserveAsync(order, [new StockLine(id, 2)], CancellationToken.None);
        Assert.Equal(ReservationStatus.Rejected, again.Status);
        Assert.False(again.Changed);
        Assert.Equal(2, Assert.Single(again.Shortages).Requested);
        Assert.Equal((6, 0), await StockOfAsync(id));
    }

    [Fact]
    public async Task Commit_takes_reserved_units_for_good_once()
    {
        var id = await NewProductAsync(5);
        var order = Guid.NewGuid();
        await Stock.ReserveAsync(order, [new StockLine(id, 2)], CancellationToken.None);

        var first = await Stock.CommitAsync(order, CancellationToken.None);
        var second = await Stock.CommitAsync(order, CancellationToken.None);
        Assert.Equal((ReservationStatus.Committed, true), (first.Status, first.Changed));
        Assert.Equal((ReservationStatus.Committed, false), (second.Status, second.Changed));
        Assert.Equal((3, 0), await StockOfAsync(id));

        // Paid orders cannot be released back onto the shelf.
        var release = await Stock.ReleaseAsync(order, CancellationToken.None);
        Assert.Equal((ReservationStatus.Committed, false), (release.Status, release.Changed));
        Assert.Equal((3, 0), await StockOfAsync(id));
    }

    [Fact]
    public async Task Release_returns_the_units_once_and_a_released_order_cannot_be_committed()
    {
        var id = await NewProductAsync(5);
        var order = Guid.NewGuid();
        await Stock.ReserveAsync(order, [new StockLine(id, 2)], CancellationToken.None);
        Assert.Equal((3, 2), await StockOfAsync(id));

        var releases = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Stock.ReleaseAsync(order, CancellationToken.None))));
        Assert.Equal(1, releases.Count(r => r.Changed));
        Assert.All(releases, r => Assert.Equal(ReservationStatus.Released, r.Status));
        Assert.Equal((5, 0), await StockOfAsync(id));

        var commit = await Stock.CommitAsync(order, CancellationToken.None);
        Assert.Equal((ReservationStatus.Released, false), (commit.Status, commit.Changed));
        Assert.Equal((5, 0), await StockOfAsync(id));
    }

    [Fact]
    public async Task A_release_that_overtakes_its_reservation_makes_the_late_reservation_take_nothing()
    {
        var id = await NewProductAsync(5);
        var order = Guid.NewGuid();
        Assert.Equal(ReservationStatus.Released, (await Stock.ReleaseAsync(order, CancellationToken.None)).Status);

        var late = await Stock.ReserveAsync(order, [new StockLine(id, 2)], CancellationToken.None);
        Assert.Equal((ReservationStatus.Released, false), (late.Status, late.Changed));
        Assert.Equal((5, 0), await StockOfAsync(id));
    }

    [Fact]
    public async Task Commit_of_an_unknown_order_changes_nothing()
    {
        var outcome = await Stock.CommitAsync(Guid.NewGuid(), CancellationToken.None);
        Assert.Null(outcome.Status);
        Assert.False(outcome.Changed);
    }

    [Fact]
    public async Task Nonsense_lines_are_refused_before_touching_stock()
    {
        var id = await NewProductAsync(5);
        await Assert.ThrowsAsync<ArgumentException>(() => Stock.ReserveAsync(Guid.NewGuid(), [new StockLine(id, 0)], CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Stock.ReserveAsync(Guid.NewGuid(), [], CancellationToken.None));
        Assert.Equal((5, 0), await StockOfAsync(id));
    }
}
