using Commerce.Ordering.Domain;

namespace Commerce.Tests.Ordering;

public sealed class OrderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private static Order NewOrder(params OrderLine[] lines) => Order.Submit(
        Guid.NewGuid(), "buyer-1", "key-1", "hash", new ShippingAddress("Ada", "1 Main St", "Springfield", "12345", "US"),
        new CardSummary("Visa", "4242"), "pm_sim_ok_x",
        lines.Length > 0 ? lines : [new OrderLine(1, "Trail Runner", 89.99m, 2), new OrderLine(2, "Socks", 5.50m, 3)], "USD", Now);

    [Fact]
    public void A_new_order_is_submitted_with_its_total()
    {
        var order = NewOrder();
        Assert.Equal(OrderStatus.Submitted, order.Status);
        Assert.Equal(89.99m * 2 + 5.50m * 3, order.Total);
        Assert.Equal("4242", order.CardLast4);
    }

    [Fact]
    public void An_order_without_lines_or_with_a_product_twice_is_refused()
    {
        Assert.Throws<OrderRuleException>(() => Order.Submit(Guid.NewGuid(), "b", "k", "h",
            new ShippingAddress("a", "b", "c", "d", "e"), new CardSummary("Visa", "4242"), "pm", [], "USD", Now));
        Assert.Throws<OrderRuleException>(() => NewOrder(new OrderLine(1, "A", 1m, 1), new OrderLine(1, "A", 1m, 2)));
    }

    [Fact]
    public void The_happy_path_goes_submitted_reserved_paid_shipped()
    {
        var order = NewOrder();
        Assert.Equal(TransitionResult.Moved, order.MarkStockReserved(Now.AddSeconds(1)));
        Assert.Equal(Now.AddSeconds(1), order.StockReservedAt);
        Assert.Equal(TransitionResult.Moved, order.MarkPaid(Now.AddSeconds(2)));
        Assert.Equal(TransitionResult.Moved, order.Ship(Now.AddSeconds(3)));
        Assert.Equal(OrderStatus.Shipped, order.Status);
        Assert.True(order.Status.IsFinal());
    }

    [Fact]
    public void A_repeated_transition_changes_nothing()
    {
        var order = NewOrder();
        order.MarkStockReserved(Now.AddSeconds(1));
        Assert.Equal(TransitionResult.AlreadyThere, order.MarkStockReserved(Now.AddSeconds(5)));
        Assert.Equal(Now.AddSeconds(1), order.StockReservedAt);
    }

    [Theory]
    [InlineData(OrderStatus.Submitted, true)]
    [InlineData(OrderStatus.StockReserved, true)]
    [InlineData(OrderStatus.Paid, false)]
    [InlineData(OrderStatus.Shipped, false)]
    public void Cancel_is_allowed_only_before_payment(OrderStatus from, bool allowed)
    {
        var order = NewOrder();
        if (from >= OrderStatus.StockReserved)
        {
            order.MarkStockReserved(Now);
        }

        if (from >= OrderStatus.Paid)
        {
            order.MarkPaid(Now);
        }

        if (from >= OrderStatus.Shipped)
        {
            order.Ship(Now);
        }

        var result = order.Cancel("Cancelled by the buyer.", Now);
        Assert.Equal(allowed ? TransitionResult.Moved : TransitionResult.Refused, result);
        Assert.Equal(allowed ? OrderStatus.Cancelled : from, order.Status);
        Assert.Equal(allowed ? "Cancelled by the buyer." : null, order.StatusReason);
    }

    [Fact]
    public void Paying_or_shipping_out_of_order_is_refused()
    {
        var order = NewOrder();
        Assert.Equal(TransitionResult.Refused, order.MarkPaid(Now));
        Assert.Equal(TransitionResult.Refused, order.Ship(Now));
        order.Cancel("Out of stock.", Now);
        Assert.Equal(TransitionResult.Refused, order.MarkStockReserved(Now));
        Assert.Equal(OrderStatus.Cancelled, order.Status);
    }

    [Fact]
    public void A_reservation_times_out_only_while_waiting_for_payment()
    {
        var order = NewOrder();
        Assert.False(order.PaymentTimedOut(Now.AddHours(1), TimeSpan.FromMinutes(10)));
        order.MarkStockReserved(Now);
        Assert.False(order.PaymentTimedOut(Now.AddMinutes(9), TimeSpan.FromMinutes(10)));
        Assert.True(order.PaymentTimedOut(Now.AddMinutes(10), TimeSpan.FromMinutes(10)));
        order.MarkPaid(Now.AddMinutes(11));
        Assert.False(order.PaymentTimedOut(Now.AddMinutes(20), TimeSpan.FromMinutes(10)));
    }
}
