using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Commerce.Catalog.Data.Migrations;

/// <summary>Reservations keyed by order id, so that repeating an operation for an order changes nothing.</summary>
[DbContext(typeof(CatalogDbContext))]
[Migration("20250601000100_StockReservations")]
public sealed class StockReservations : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE TABLE stock_reservations (
                order_id uuid PRIMARY KEY,
                status text NOT NULL CHECK (status IN ('Reserved', 'Rejected', 'Committed', 'Released')),
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL
            );
            -- No foreign key to products: a reservation's history outlives a deleted product.
            CREATE TABLE stock_reservation_lines (
                order_id uuid NOT NULL REFERENCES stock_reservations (order_id) ON DELETE CASCADE,
                product_id integer NOT NULL,
                quantity integer NOT NULL CHECK (quantity > 0),
                available integer NULL,
                reason text NULL,
                PRIMARY KEY (order_id, product_id)
            );
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP TABLE stock_reservation_lines; DROP TABLE stock_reservations;");
    }
}
