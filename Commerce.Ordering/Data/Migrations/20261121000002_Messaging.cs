using Commerce.Messaging.Outbox;
using Commerce.Messaging.Idempotency;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Commerce.Ordering.Data.Migrations;

[DbContext(typeof(OrderingDbContext))]
[Migration("20261121000002_Messaging")]
public sealed class Messaging : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateOutboxTable();
        migrationBuilder.CreateProcessedMessagesTable();
    }
}
