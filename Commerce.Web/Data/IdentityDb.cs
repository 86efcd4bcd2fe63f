using Microsoft.EntityFrameworkCore;

namespace Commerce.Web.Data;

/// <summary>Shopper accounts and the storefront's Data Protection keys (PostgreSQL <c>identitydb</c>).</summary>
public sealed class IdentityDb(DbContextOptions<IdentityDb> options) : DbContext(options)
{
    public DbSet<ShopperAccount> Accounts => Set<ShopperAccount>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<ShopperSession> Sessions => Set<ShopperSession>();

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
            e.Property(a => a.CreatedAt).HasColumnName("created_at");
        });

        modelBuilder.Entity<ShopperSession>(e =>
        {
            e.ToTable("sessions");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id");
            e.Property(x => x.AccountId).HasColumnName("account_id");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.ExpiresAt).HasColumnName("expires_at");
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
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A signed-in session: the cookie names it, and sign-out deletes it, so a copied cookie dies with it.</summary>
public sealed class ShopperSession
{
    public Guid Id { get; set; }
    public Guid AccountId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

public sealed class DataProtectionKey
{
    public int Id { get; set; }
    public string? FriendlyName { get; set; }
    public required string Xml { get; set; }
}
