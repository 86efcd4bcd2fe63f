using Commerce.Catalog.Data;
using Commerce.Catalog.Domain;
using Commerce.Catalog.Search;

namespace Commerce.Tests.Catalog;

/// <summary>The plain rules, without servers.</summary>
public sealed class CatalogDomainTests
{
    private static ProductDetails Valid(decimal price = 10m) => new("RUN-0001", "Tempo Running Shoes", "Fast.", "Stridewell", "Running Shoes", price, "EUR");

    [Theory]
    [InlineData(0, "greater than zero")]
    [InlineData(-0.01, "greater than zero")]
    [InlineData(1.001, "two decimals")]
    [InlineData(1000000.01, "at most")]
    public void Prices_must_be_positive_bounded_and_in_cents(decimal price, string message)
    {
        var errors = ProductRules.Validate(Valid(price));
        Assert.Contains(message, Assert.Single(errors["price"]));
    }

    [Fact]
    public void A_valid_product_has_no_errors_and_blank_fields_are_named()
    {
        Assert.Empty(ProductRules.Validate(Valid()));
        var errors = ProductRules.Validate(new ProductDetails("r", " ", new string('x', 5000), "", " Padded", 5m, "eur"));
        Assert.Equal(["brand", "category", "currency", "description", "name", "sku"], errors.Keys.Order().ToArray());
    }

    [Fact]
    public void Updating_reports_a_price_change_and_bumps_the_version()
    {
        var product = Product.Create(Valid(10m), 3, DateTimeOffset.UnixEpoch);
        Assert.Equal(1, product.Version);
        Assert.Null(product.Update(Valid(10m) with { Name = "Renamed" }, DateTimeOffset.UnixEpoch));
        var change = product.Update(Valid(12.5m), DateTimeOffset.UnixEpoch);
        Assert.Equal(new PriceChange(10m, "EUR", 12.5m, "EUR"), change);
        Assert.Equal(3, product.Version);
        Assert.Throws<ArgumentOutOfRangeException>(() => Product.Create(Valid(), -1, DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void Lines_are_merged_sorted_and_checked()
    {
        var lines = StockRules.Normalize([new StockLine(5, 1), new StockLine(2, 2), new StockLine(5, 3)]);
        Assert.Equal([new StockLine(2, 2), new StockLine(5, 4)], lines);
        Assert.Throws<ArgumentException>(() => StockRules.Normalize([new StockLine(1, 0)]));
        Assert.Throws<ArgumentException>(() => StockRules.Normalize([new StockLine(1, -2)]));
        Assert.Throws<ArgumentException>(() => StockRules.Normalize([]));
        Assert.Throws<ArgumentException>(() => StockRules.Normalize([new StockLine(1, StockRules.MaxQuantityPerLine + 1)]));
    }

    [Fact]
    public void Shortages_name_each_short_or_unknown_line()
    {
        var shortages = StockRules.FindShortages([new StockLine(1, 2), new StockLine(2, 5), new StockLine(3, 1), new StockLine(4, 1)],
            new Dictionary<int, int> { [1] = 2, [2] = 4, [3] = 0 });
        Assert.Equal([(2, 5, 4), (3, 1, 0), (4, 1, 0)], shortages.Select(s => (s.ProductId, s.Requested, s.Available)).ToArray());
        Assert.Contains("does not exist", shortages[2].Reason);
        Assert.Contains("out of stock", shortages[1].Reason);
    }

    [Theory]
    [InlineData(5, 3, 8, null)]
    [InlineData(5, -5, 0, null)]
    [InlineData(5, -6, 5, "below zero")]
    [InlineData(5, 0, 5, "not be zero")]
    [InlineData(1, int.MaxValue, 1, "largest")]
    public void Adjusting_stock_never_goes_below_zero(int available, int delta, int expected, string? error)
    {
        var (stock, message) = StockRules.Adjust(available, delta);
        Assert.Equal(expected, stock);
        if (error is null)
        {
            Assert.Null(message);
        }
        else
        {
            Assert.Contains(error, message);
        }
    }

    [Fact]
    public void Reservation_states_move_only_from_reserved()
    {
        Assert.True(StockRules.CanCommit(ReservationStatus.Reserved));
        Assert.True(StockRules.CanRelease(ReservationStatus.Reserved));
        foreach (var final in (ReservationStatus[])[ReservationStatus.Rejected, ReservationStatus.Committed, ReservationStatus.Released])
        {
            Assert.False(StockRules.CanCommit(final));
            Assert.False(StockRules.CanRelease(final));
        }
    }

    [Theory]
    [InlineData("Running  SHOES!", new[] { "running", "shoes" })]
    [InlineData("'; DROP TABLE products; --", new[] { "drop", "table", "products" })]
    [InlineData("a&b|c:*!d", new[] { "a", "b", "c", "d" })]
    [InlineData("跑鞋 👟 Café", new[] { "跑鞋", "café" })]
    [InlineData("ｒｕｎ", new[] { "run" })]
    [InlineData("\u0301lone mark", new[] { "lone", "mark" })]
    [InlineData("", new string[0])]
    [InlineData("1 2 3 4 5 6 7 8 9 10", new[] { "1", "2", "3", "4", "5", "6", "7", "8" })]
    public void Search_text_keeps_only_words(string text, string[] words)
    {
        Assert.Equal(words, SearchText.Words(text));
    }

    [Fact]
    public void Long_words_are_cut()
    {
        Assert.Equal(SearchText.MaxWordLength, Assert.Single(SearchText.Words(new string('x', 500))).Length);
    }

    [Fact]
    public void The_seed_is_realistic_valid_and_deterministic()
    {
        var products = CatalogSeedData.Generate(CatalogSeedData.SeedProductCount).ToArray();
        Assert.True(products.Length >= 200);
        Assert.True(products.Select(p => p.Details.Brand).Distinct().Count() >= 10);
        Assert.True(products.Select(p => p.Details.Category).Distinct().Count() >= 8);
        Assert.Equal(products.Length, products.Select(p => p.Details.Sku).Distinct().Count());
        Assert.All(products, p => Assert.Empty(ProductRules.Validate(p.Details)));
        Assert.Equal(products.Select(p => p.Details), CatalogSeedData.Generate(CatalogSeedData.SeedProductCount).Select(p => p.Details));
        var more = CatalogSeedData.Generate(100_000).Select(p => p.Details.Sku).ToHashSet();
        Assert.Equal(100_000, more.Count);
    }
}
