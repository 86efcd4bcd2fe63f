using Commerce.Cart.Contracts;
using Commerce.Cart.Domain;

namespace Commerce.Tests.Cart;

public sealed class CartDomainTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly CartLimits Limits = new(maxLines: 3, maxQuantity: 10);

    private static CartLine Line(int id, int quantity, decimal price, int minute = 0, decimal? lastKnown = null, string currency = "EUR") =>
        new(id, quantity, price, lastKnown ?? price, currency, $"Product {id}", T0.AddMinutes(minute));

    private static ProductSnapshot Product(int id, decimal price, int stock = 100, string currency = "EUR") =>
        new(id, $"Product {id}", price, currency, stock, $"SKU-{id}");

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(10)]
    public void Quantities_from_0_to_the_limit_are_accepted(int quantity) => Assert.Null(Limits.QuantityError(quantity));

    [Theory]
    [InlineData(-1, "negative")]
    [InlineData(11, "above the limit of 10")]
    [InlineData(int.MaxValue, "above the limit")]
    public void Quantities_outside_the_limits_are_refused_with_a_reason(int quantity, string reason) =>
        Assert.Contains(reason, Limits.QuantityError(quantity));

    [Fact]
    public void Limits_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CartLimits(0, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CartLimits(5, 0));
    }

    [Fact]
    public void Totals_are_computed_from_current_prices_in_decimal()
    {
        var view = CartPricing.Price(
            [Line(1, 3, 0.10m), Line(2, 2, 19.99m, minute: 1)],
            new Dictionary<int, ProductSnapshot> { [1] = Product(1, 0.10m), [2] = Product(2, 19.99m) });

        Assert.True(view.PricesVerified);
        Assert.Equal(40.28m, view.Total);
        Assert.Equal("EUR", view.Currency);
        Assert.Equal(5, view.ItemCount);
        Assert.Equal(2, view.LineCount);
        Assert.Equal([0.30m, 39.98m], view.Lines.Select(l => l.LineTotal));
        Assert.All(view.Lines, l => Assert.Empty(l.Warnings));
        Assert.Empty(view.Warnings);
    }

    [Fact]
    public void Lines_are_shown_in_the_order_they_were_added()
    {
        var view = CartPricing.Price(
            [Line(9, 1, 1m, minute: 2), Line(3, 1, 1m, minute: 0), Line(5, 1, 1m, minute: 1)],
            new Dictionary<int, ProductSnapshot> { [3] = Product(3, 1m), [5] = Product(5, 1m), [9] = Product(9, 1m) });
        Assert.Equal([3, 5, 9], view.Lines.Select(l => l.ProductId));
    }

    [Fact]
    public void A_changed_price_is_shown_with_the_price_seen_and_a_warning()
    {
        var view = CartPricing.Price([Line(1, 2, 10m)], new Dictionary<int, ProductSnapshot> { [1] = Product(1, 12.5m) });

        var line = Assert.Single(view.Lines);
        Assert.Equal(12.5m, line.UnitPrice);
        Assert.Equal(10m, line.PriceSeen);
        Assert.True(line.PriceChanged);
        Assert.Equal(25m, line.LineTotal);
        var warning = Assert.Single(line.Warnings);
        Assert.Equal(CartWarningCodes.PriceChanged, warning.Code);
        Assert.Contains("went up from 10.00 EUR to 12.50 EUR", warning.Message);
    }

    [Fact]
    public void A_price_drop_is_also_announced()
    {
        var view = CartPricing.Price([Line(1, 1, 10m)], new Dictionary<int, ProductSnapshot> { [1] = Product(1, 8m) });
        Assert.Contains("went down", Assert.Single(view.Lines[0].Warnings).Message);
    }

    [Fact]
    public void Short_stock_and_no_stock_are_warned_about()
    {
        var view = CartPricing.Price(
            [Line(1, 5, 1m), Line(2, 1, 1m, minute: 1), Line(3, 4, 1m, minute: 2)],
            new Dictionary<int, ProductSnapshot> { [1] = Product(1, 1m, stock: 2), [2] = Product(2, 1m, stock: 0), [3] = Product(3, 1m, stock: 4) });

        Assert.Equal(CartWarningCodes.StockShort, Assert.Single(view.Lines[0].Warnings).Code);
        Assert.Contains("Only 2", view.Lines[0].Warnings[0].Message);
        Assert.Equal(CartWarningCodes.OutOfStock, Assert.Single(view.Lines[1].Warnings).Code);
        Assert.Empty(view.Lines[2].Warnings);
        Assert.Equal(2, view.Lines[0].AvailableStock);
    }

    [Fact]
    public void A_product_catalog_no_longer_has_is_flagged_and_left_out_of_the_total()
    {
        var view = CartPricing.Price([Line(1, 1, 5m), Line(2, 1, 7m, minute: 1)], new Dictionary<int, ProductSnapshot> { [1] = Product(1, 5m) });

        Assert.Equal(5m, view.Total);
        Assert.Equal(1, view.ItemCount);
        var gone = view.Lines[1];
        Assert.False(gone.Available);
        Assert.Equal(0m, gone.LineTotal);
        Assert.Equal(CartWarningCodes.ProductUnavailable, Assert.Single(gone.Warnings).Code);
    }

    [Fact]
    public void Without_catalog_the_last_known_prices_are_shown_unverified()
    {
        var view = CartPricing.Price([Line(1, 2, 10m, lastKnown: 11m)], catalog: null);

        Assert.False(view.PricesVerified);
        var line = Assert.Single(view.Lines);
        Assert.Equal(11m, line.UnitPrice);
        Assert.Equal(10m, line.PriceSeen);
        Assert.Null(line.AvailableStock);
        Assert.Equal(22m, view.Total);
        Assert.Equal(CartWarningCodes.PriceNotVerified, Assert.Single(line.Warnings).Code);
        Assert.Equal(CartWarningCodes.CatalogUnavailable, Assert.Single(view.Warnings).Code);
    }

    [Fact]
    public void Mixed_currencies_get_one_total_each_and_no_single_total()
    {
        var view = CartPricing.Price(
            [Line(1, 1, 5m), Line(2, 2, 3m, minute: 1, currency: "USD")],
            new Dictionary<int, ProductSnapshot> { [1] = Product(1, 5m), [2] = Product(2, 3m, currency: "USD") });

        Assert.Null(view.Total);
        Assert.Null(view.Currency);
        Assert.Equal([new CurrencyTotal("EUR", 5m), new CurrencyTotal("USD", 6m)], view.Totals);
        Assert.Equal(CartWarningCodes.MixedCurrencies, Assert.Single(view.Warnings).Code);
    }

    [Fact]
    public void An_empty_cart_totals_zero()
    {
        var view = CartPricing.Price([], new Dictionary<int, ProductSnapshot>());
        Assert.Equal(0m, view.Total);
        Assert.Empty(view.Lines);
        Assert.True(view.PricesVerified);
    }

    [Fact]
    public void Merge_adds_quantities_of_the_same_product_and_adds_new_products()
    {
        var result = CartMerge.Merge([Line(1, 2, 10m)], [Line(1, 3, 9m), Line(2, 1, 4m)], Limits);

        Assert.Empty(result.Warnings);
        var merged = result.Upserts.ToDictionary(l => l.ProductId);
        Assert.Equal(5, merged[1].Quantity);
        Assert.Equal(10m, merged[1].PriceSeen);
        Assert.Equal(1, merged[2].Quantity);
        Assert.Equal(4m, merged[2].PriceSeen);
    }

    [Fact]
    public void Merge_caps_a_quantity_at_the_line_limit_and_says_so()
    {
        var result = CartMerge.Merge([Line(1, 8, 10m)], [Line(1, 5, 10m)], Limits);

        Assert.Equal(10, Assert.Single(result.Upserts).Quantity);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(CartWarningCodes.QuantityCapped, warning.Code);
        Assert.Contains("13 wanted, kept at 10", warning.Message);
    }

    [Fact]
    public void Merge_into_a_line_already_at_the_limit_changes_nothing_but_warns()
    {
        var result = CartMerge.Merge([Line(1, 10, 10m)], [Line(1, 1, 10m)], Limits);
        Assert.Empty(result.Upserts);
        Assert.Equal(CartWarningCodes.QuantityCapped, Assert.Single(result.Warnings).Code);
    }

    [Fact]
    public void Merge_stops_adding_products_when_the_cart_is_full_oldest_first()
    {
        var result = CartMerge.Merge(
            [Line(1, 1, 1m), Line(2, 1, 1m)],
            [Line(7, 1, 1m, minute: 5), Line(6, 1, 1m, minute: 3), Line(2, 1, 1m)],
            Limits);

        Assert.Equal([2, 6], result.Upserts.Select(l => l.ProductId).Order());
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(CartWarningCodes.CartFull, warning.Code);
        Assert.Contains("Product 7", warning.Message);
    }

    [Fact]
    public void Merging_an_empty_cart_changes_nothing()
    {
        var result = CartMerge.Merge([Line(1, 1, 1m)], [], Limits);
        Assert.Empty(result.Upserts);
        Assert.Empty(result.Warnings);
    }
}
