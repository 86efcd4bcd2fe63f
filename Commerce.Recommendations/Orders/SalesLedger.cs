using Commerce.Recommendations.Data;
using Commerce.Recommendations.Domain;
using Microsoft.EntityFrameworkCore;

namespace Commerce.Recommendations.Orders;

/// <summary>
/// Applies what an order event means to the counts, inside the caller's transaction (an
/// <see cref="Commerce.Messaging.Idempotency.IdempotentConsumer{TMessage,TContext}"/>'s).
/// The order's row is locked first, so the three consumers of one order take turns and exactly one
/// of them sees it become complete.
/// </summary>
public sealed class SalesLedger(RecommendationsDbContext db, TimeProvider clock)
{
    public async Task<OrderRecord> LockOrderAsync(Guid orderId, CancellationToken cancellationToken)
    {
        await db.Database.ExecuteSqlAsync($"INSERT INTO orders (order_id, updated_at) VALUES ({orderId}, {clock.GetUtcNow()}) ON CONFLICT (order_id) DO NOTHING", cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM orders WHERE order_id = {orderId} FOR UPDATE", cancellationToken);
        return await db.Orders.SingleAsync(o => o.OrderId == orderId, cancellationToken);
    }

    public static OrderProgress ProgressOf(OrderRecord order) => new(order.LinesKnown, order.PaidAt, order.Cancelled, order.Counted);

    public async Task AddLinesAsync(OrderRecord order, IEnumerable<SoldProduct> lines, CancellationToken cancellationToken)
    {
        foreach (var product in ProductPairs.Products(lines))
        {
            db.OrderLines.Add(new OrderLineRecord { OrderId = order.OrderId, ProductId = product.ProductId, Quantity = product.Units });
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Moves the order to <paramref name="next"/> and counts it in or out as <paramref name="step"/> says.</summary>
    public async Task ApplyAsync(OrderRecord order, OrderProgress next, TallyStep step, CancellationToken cancellationToken)
    {
        order.LinesKnown = next.LinesKnown;
        order.PaidAt = next.PaidAt;
        order.Cancelled = next.Cancelled;
        order.Counted = next.Counted;
        order.UpdatedAt = clock.GetUtcNow();
        if (step == TallyStep.None)
        {
            return;
        }

        var sign = step == TallyStep.Count ? 1 : -1;
        var lines = await db.OrderLines.AsNoTracking().Where(l => l.OrderId == order.OrderId)
            .Select(l => new SoldProduct(l.ProductId, l.Quantity)).ToListAsync(cancellationToken);
        var products = ProductPairs.Products(lines);
        var ids = products.Select(p => p.ProductId).ToArray();
        var units = products.Select(p => (long)p.Units * sign).ToArray();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO product_stats (product_id, units_sold, orders)
            SELECT p.id, p.units, {sign} FROM unnest({ids}, {units}) AS p(id, units) ORDER BY p.id
            ON CONFLICT (product_id) DO UPDATE
                SET units_sold = product_stats.units_sold + excluded.units_sold, orders = product_stats.orders + excluded.orders
            """, cancellationToken);

        var pairs = ProductPairs.Of(lines);
        if (pairs.Count == 0)
        {
            return;
        }

        var first = pairs.Select(p => p.ProductId).ToArray();
        var second = pairs.Select(p => p.OtherId).ToArray();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO product_pairs (product_id, other_id, orders)
            SELECT p.a, p.b, {sign} FROM unnest({first}, {second}) WITH ORDINALITY AS p(a, b, n) ORDER BY p.n
            ON CONFLICT (product_id, other_id) DO UPDATE SET orders = product_pairs.orders + excluded.orders
            """, cancellationToken);
    }
}
