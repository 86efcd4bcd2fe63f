using Commerce.Messaging.Outbox;
using Microsoft.EntityFrameworkCore;

namespace Commerce.Recommendations.Data;

/// <summary>An order as far as this service has heard of it (see <see cref="Domain.OrderProgress"/>).</summary>
public sealed class OrderRecord
{
    public Guid OrderId { get; set; }

    public bool LinesKnown { get; set; }

    public DateTimeOffset? PaidAt { get; set; }

    public bool Cancelled { get; set; }

    public bool Counted { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class OrderLineRecord
{
    public Guid OrderId { get; set; }

    public int ProductId { get; set; }

    public int Quantity { get; set; }
}

/// <summary>A product's sales, and its category as Catalog last said (null until asked).</summary>
public sealed class ProductStats
{
    public int ProductId { get; set; }

    public long UnitsSold { get; set; }

    public int Orders { get; set; }

    public string? Category { get; set; }

    /// <summary>False once Catalog no longer knows the product: it is recommended no more.</summary>
    public bool Listed { get; set; } = true;

    /// <summary>When the category was read from Catalog; null asks the refresher to read it (again).</summary>
    public DateTimeOffset? CategoryCheckedAt { get; set; }
}

/// <summary>How many paid orders held both products (stored in both directions).</summary>
public sealed class ProductPair
{
    public int ProductId { get; set; }

    public int OtherId { get; set; }

    public int Orders { get; set; }
}

public sealed class RecommendationsDbContext(DbContextOptions<RecommendationsDbContext> options) : DbContext(options)
{
    public DbSet<OrderRecord> Orders => Set<OrderRecord>();
    public DbSet<OrderLineRecord> OrderLines => Set<OrderLineRecord>();
    public DbSet<ProductStats> Products => Set<ProductStats>();
    public DbSet<ProductPair> Pairs => Set<ProductPair>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.MapProcessedMessages();
        modelBuilder.Entity<OrderRecord>(e =>
        {
            e.ToTable("orders");
            e.HasKey(o => o.OrderId);
            e.Property(o => o.OrderId).HasColumnName("order_id").ValueGeneratedNever();
            e.Property(o => o.LinesKnown).HasColumnName("lines_known");
            e.Property(o => o.PaidAt).HasColumnName("paid_at");
            e.Property(o => o.Cancelled).HasColumnName("cancelled");
            e.Property(o => o.Counted).HasColumnName("counted");
            e.Property(o => o.UpdatedAt).HasColumnName("updated_at");
        });
        modelBuilder.Entity<OrderLineRecord>(e =>
        {
            e.ToTable("order_lines");
            e.HasKey(l => new { l.OrderId, l.ProductId });
            e.Property(l => l.OrderId).HasColumnName("order_id");
            e.Property(l => l.ProductId).HasColumnName("product_id");
            e.Property(l => l.Quantity).HasColumnName("quantity");
        });
        modelBuilder.Entity<ProductStats>(e =>
        {
            e.ToTable("product_stats");
            e.HasKey(p => p.ProductId);
            e.Property(p => p.ProductId).HasColumnName("product_id").ValueGeneratedNever();
            e.Property(p => p.UnitsSold).HasColumnName("units_sold");
            e.Property(p => p.Orders).HasColumnName("orders");
            e.Property(p => p.Category).HasColumnName("category").HasMaxLength(200);
            e.Property(p => p.Listed).HasColumnName("listed");
            e.Property(p => p.CategoryCheckedAt).HasColumnName("category_checked_at");
        });
        modelBuilder.Entity<ProductPair>(e =>
        {
            e.ToTable("product_pairs");
            e.HasKey(p => new { p.ProductId, p.OtherId });
            e.Property(p => p.ProductId).HasColumnName("product_id");
            e.Property(p => p.OtherId).HasColumnName("other_id");
            e.Property(p => p.Orders).HasColumnName("orders");
        });
    }
}
