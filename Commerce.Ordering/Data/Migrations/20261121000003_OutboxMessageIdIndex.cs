using Commerce.Messaging.Outbox;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Commerce.Ordering.Data.Migrations;

/// <summary>Outbox look-ups by message id use an index (docs/performance.md, "Second round: 100 paid orders per second").</summary>
[DbContext(typeof(OrderingDbContext))]
[Migration("20261121000003_OutboxMessageIdIndex")]
public sealed partial class OutboxMessageIdIndex : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.CreateOutboxMessageIdIndex();
}
