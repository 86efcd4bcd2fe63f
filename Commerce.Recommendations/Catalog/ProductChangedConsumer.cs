using Commerce.Contracts;
using Commerce.Recommendations.Data;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Commerce.Recommendations.Catalog;

/// <summary>
/// A product changed in Catalog: if its category or existence may have changed, the refresher reads
/// it again. Idempotent by nature (it only marks the product as unchecked), so a plain consumer.
/// </summary>
public sealed class ProductChangedConsumer(RecommendationsDbContext db) : IConsumer<ProductChanged>
{
    public async Task Consume(ConsumeContext<ProductChanged> context)
    {
        if (context.Message.Kind is ProductChangeKind.Updated or ProductChangeKind.Deleted)
        {
            await db.Database.ExecuteSqlAsync(
                $"UPDATE product_stats SET category_checked_at = NULL WHERE product_id = {context.Message.ProductId}", context.CancellationToken);
        }
    }
}
