using Commerce.Messaging.Outbox;
using System.Text;
using Commerce.Catalog.Domain;
using Microsoft.EntityFrameworkCore;

namespace Commerce.Catalog.Data;

public sealed class CatalogDbContext(DbContextOptions<CatalogDbContext> options) : DbContext(options)
{
    public DbSet<Product> Products => Set<Product>();
    public DbSet<Brand> Brands => Set<Brand>();
    public DbSet<Category> Categories => Set<Category>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.MapOutbox();
        modelBuilder.MapProcessedMessages();
        modelBuilder.Entity<Product>(p =>
        {
            p.ToTable("products");
            p.HasKey(x => x.Id);
            p.Property(x => x.Price).HasPrecision(12, 2);
            p.Property(x => x.Version).IsConcurrencyToken();
            p.HasIndex(x => x.Sku).IsUnique();
        });
        modelBuilder.Entity<Brand>(b =>
        {
            b.ToTable("brands");
            b.HasIndex(x => x.Name).IsUnique();
        });
        modelBuilder.Entity<Category>(c =>
        {
            c.ToTable("categories");
            c.HasIndex(x => x.Name).IsUnique();
        });

        // The hand-written migrations and raw SQL use snake_case names.
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.Name));
            }
        }
    }

    private static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                sb.Append('_');
            }

            sb.Append(char.ToLowerInvariant(name[i]));
        }

        return sb.ToString();
    }
}
