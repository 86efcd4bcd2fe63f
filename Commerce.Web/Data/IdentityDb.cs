using Microsoft.EntityFrameworkCore;

namespace Commerce.Web.Data;

/// <summary>Shopper accounts and the storefront's Data Protection keys (PostgreSQL <c>identitydb</c>).</summary>
public sealed class IdentityDb(DbContextOptions<IdentityDb> options) : DbContext(options)
{
    public DbSet<ShopperAccount> Accounts => Set<ShopperAccount>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ShopperAccount>(e =>
        {
            e.ToTable("accounts");
            e.HasKey(a => a.Id);
            e.Property(a => a.Id).HasColumnName("id");
            e.Property(a => a.Email).HasColumnName("email").HasMaxLength(256);
            e.Property(a => a.NormalizedEmail).HasColumnName("normalized_email").HasMaxLength(256);
            e.HasIndex(a => a.NormalizedEmail).IsUnique();
            e.Property(a => a.PasswordHash).HasColumnName("password_hash");
            e.Property(a => a.IsAdmin).HasColumnName("is_admin");
            e.Property(a => a.AccessFailedCount).HasColumnName("access_failed_count");
            e.Property(a => a.LockoutEnd).HasColumnName("lockout_end");
            e.Property(a => a.CreatedAt).HasColumnName("created_at");
        });

        modelBuilder.Entity<DataProtectionKey>(e =>
        {
            e.ToTable("data_protection_keys");
            e.HasKey(k => k.Id);
            e.Property(k => k.Id).HasColumnName("id").UseIdentityByDefaultColumn();
            e.Property(k => k.FriendlyName).HasColumnName("friendly_name");
            e.Property(k => k.Xml).HasColumnName("xml");
        });
    }
}

public sealed class ShopperAccount
{
    /// <summary>Also the buyer id the services see as the token's <c>sub</c>.</summary>
    public Guid Id { get; set; }
    public required string Email { get; set; }
    public required string NormalizedEmail { get; set; }
    public required string PasswordHash { get; set; }
    public bool IsAdmin { get; set; }
    public int AccessFailedCount { get; set; }
    public DateTimeOffset? LockoutEnd { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class DataProtectionKey
{
    public int Id { get; set; }
    public string? FriendlyName { get; set; }
    public required string Xml { get; set; }
}
