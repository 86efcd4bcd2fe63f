using Commerce.Messaging.Outbox;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Commerce.Catalog.Data.Migrations;

/// <summary>Outbox look-ups by message id use an index (docs/performance.md, "Second round: 100 paid orders per second").</summary>
[DbContext(typeof(CatalogDbContext))]
[Migration("20261121000200_OutboxMessageIdIndex")]
public sealed partial class OutboxMessageIdIndex : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.CreateOutboxMessageIdIndex();
}
