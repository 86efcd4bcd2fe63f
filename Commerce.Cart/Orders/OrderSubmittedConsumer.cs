using Commerce.Cart.Carts;
using Commerce.Contracts;
using MassTransit;

namespace Commerce.Cart.Orders;

/// <summary>
/// The buyer checked out: what the order bought leaves their cart. Once per order (the store keeps
/// a marker), so a redelivery never empties a cart the buyer has started again.
/// </summary>
public sealed class OrderSubmittedConsumer(CartService carts) : IConsumer<OrderSubmitted>
{
    public Task Consume(ConsumeContext<OrderSubmitted> context) =>
        carts.ClearForOrderAsync(context.Message.BuyerId, context.Message.OrderId.ToString(),
            context.Message.Lines.Select(l => l.ProductId).ToList(), context.CancellationToken);
}
