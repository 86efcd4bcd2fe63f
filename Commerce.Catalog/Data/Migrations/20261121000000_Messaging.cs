using Commerce.Messaging.Outbox;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Commerce.Catalog.Data.Migrations;

[DbContext(typeof(CatalogDbContext))]
[Migration("20261121000000_Messaging")]
public sealed class Messaging : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateOutboxTable();
        migrationBuilder.CreateProcessedMessagesTable();
    }
}
