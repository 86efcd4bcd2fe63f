using Commerce.Ordering.Domain;
using Commerce.Messaging.Outbox;
using Microsoft.EntityFrameworkCore;

namespace Commerce.Ordering.Data;

public sealed class OrderingDbContext(DbContextOptions<OrderingDbContext> options) : DbContext(options)
{
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<PaymentAttempt> Payments => Set<PaymentAttempt>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.MapOutbox();
        modelBuilder.MapProcessedMessages();
        modelBuilder.Entity<Order>(order =>
        {
            order.ToTable("orders");
            order.HasKey(o => o.Id);
            order.Property(o => o.Id).HasColumnName("id").ValueGeneratedNever();
            order.Property(o => o.BuyerId).HasColumnName("buyer_id").HasMaxLength(200);
            order.Property(o => o.IdempotencyKey).HasColumnName("idempotency_key").HasMaxLength(200);
            order.Property(o => o.RequestHash).HasColumnName("request_hash").HasMaxLength(64);
            order.Property(o => o.Status).HasColumnName("status").HasConversion<string>().HasMaxLength(20);
            order.Property(o => o.StatusReason).HasColumnName("status_reason").HasMaxLength(1000);
            order.Property(o => o.Currency).HasColumnName("currency").HasMaxLength(3);
            order.Property(o => o.CardBrand).HasColumnName("card_brand").HasMaxLength(30);
            order.Property(o => o.CardLast4).HasColumnName("card_last4").HasMaxLength(4);
            order.Property(o => o.PaymentMethodToken).HasColumnName("payment_method_token").HasMaxLength(100);
            order.Property(o => o.CreatedAt).HasColumnName("created_at");
            order.Property(o => o.UpdatedAt).HasColumnName("updated_at");
            order.Property(o => o.StockReservedAt).HasColumnName("stock_reserved_at");
            order.Property(o => o.Version).HasColumnName("xmin").HasColumnType("xid").ValueGeneratedOnAddOrUpdate().IsConcurrencyToken();
            order.Ignore(o => o.Total);
            order.ComplexProperty(o => o.ShippingAddress, a =>
            {
                a.Property(x => x.Name).HasColumnName("ship_name").HasMaxLength(100);
                a.Property(x => x.Street).HasColumnName("ship_street").HasMaxLength(200);
                a.Property(x => x.City).HasColumnName("ship_city").HasMaxLength(100);
                a.Property(x => x.PostalCode).HasColumnName("ship_postal_code").HasMaxLength(20);
                a.Property(x => x.Country).HasColumnName("ship_country").HasMaxLength(60);
            });
            order.OwnsMany(o => o.Lines, line =>
            {
                line.ToTable("order_lines");
                line.WithOwner().HasForeignKey("OrderId");
                line.Property<Guid>("OrderId").HasColumnName("order_id");
                line.HasKey("OrderId", nameof(OrderLine.ProductId));
                line.Property(l => l.ProductId).HasColumnName("product_id");
                line.Property(l => l.Name).HasColumnName("name").HasMaxLength(200);
                line.Property(l => l.UnitPrice).HasColumnName("unit_price").HasPrecision(12, 2);
                line.Property(l => l.Quantity).HasColumnName("quantity");
                line.Ignore(l => l.LineTotal);
            });
            order.Navigation(o => o.Lines).UsePropertyAccessMode(PropertyAccessMode.Field).HasField("_lines");
            order.HasIndex(o => new { o.BuyerId, o.IdempotencyKey }).IsUnique();
            order.HasIndex(o => new { o.BuyerId, o.CreatedAt });
            order.HasIndex(o => new { o.Status, o.CreatedAt });
        });

        modelBuilder.Entity<PaymentAttempt>(payment =>
        {
            payment.ToTable("payments");
            payment.HasKey(p => p.OrderId);
            payment.Property(p => p.OrderId).HasColumnName("order_id");
            payment.Property(p => p.Status).HasColumnName("status").HasConversion<string>().HasMaxLength(20);
            payment.Property(p => p.Amount).HasColumnName("amount").HasPrecision(12, 2);
            payment.Property(p => p.Currency).HasColumnName("currency").HasMaxLength(3);
            payment.Property(p => p.ProviderReference).HasColumnName("provider_reference").HasMaxLength(100);
            payment.Property(p => p.FailureReason).HasColumnName("failure_reason").HasMaxLength(500);
            payment.Property(p => p.StartedAt).HasColumnName("started_at");
            payment.Property(p => p.CompletedAt).HasColumnName("completed_at");
        });
    }
}
