using Commerce.Messaging.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Commerce.Tests.Messaging;

/// <summary>A service's database in miniature: a domain table, the outbox, and what consumers applied.</summary>
public sealed class MessagingTestDb(DbContextOptions<MessagingTestDb> options) : DbContext(options)
{
    public DbSet<TestProduct> Products => Set<TestProduct>();

    public DbSet<AppliedEvent> AppliedEvents => Set<AppliedEvent>();

    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<TestProduct>(e =>
        {
            e.ToTable("test_products");
            e.Property(p => p.Id).HasColumnName("id").ValueGeneratedNever();
            e.Property(p => p.Price).HasColumnName("price");
        });
        modelBuilder.Entity<AppliedEvent>(e =>
        {
            e.ToTable("applied_events");
            e.Property(a => a.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            e.Property(a => a.EventId).HasColumnName("event_id");
            e.Property(a => a.Consumer).HasColumnName("consumer");
            e.Property(a => a.AggregateId).HasColumnName("aggregate_id");
            e.Property(a => a.Sequence).HasColumnName("sequence");
        });
        modelBuilder.MapOutbox();
        modelBuilder.MapProcessedMessages();
    }
}

public sealed class TestProduct
{
    public int Id { get; set; }
    public decimal Price { get; set; }
}

/// <summary>One application of an event by a consumer; deliberately not unique, so a double application shows.</summary>
public sealed class AppliedEvent
{
    public long Id { get; set; }
    public Guid EventId { get; set; }
    public string Consumer { get; set; } = string.Empty;
    public string AggregateId { get; set; } = string.Empty;
    public decimal Sequence { get; set; }
}

[DbContext(typeof(MessagingTestDb))]
[Migration("20250101000000_Initial")]
public sealed class MessagingTestDbInitial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE TABLE test_products (id integer PRIMARY KEY, price numeric(12,2) NOT NULL);
            CREATE TABLE applied_events (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                event_id uuid NOT NULL,
                consumer text NOT NULL,
                aggregate_id text NOT NULL,
                sequence numeric(12,2) NOT NULL);
            """);
        migrationBuilder.CreateOutboxTable();
        migrationBuilder.CreateProcessedMessagesTable();
    }
}
