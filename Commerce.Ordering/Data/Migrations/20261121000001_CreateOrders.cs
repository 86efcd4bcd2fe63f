using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Commerce.Ordering.Data.Migrations;

[DbContext(typeof(OrderingDbContext))]
[Migration("20261121000001_CreateOrders")]
public sealed class CreateOrders : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE TABLE orders (
                id uuid PRIMARY KEY,
                buyer_id varchar(200) NOT NULL,
                idempotency_key varchar(200) NOT NULL,
                request_hash varchar(64) NOT NULL,
                status varchar(20) NOT NULL,
                status_reason varchar(1000) NULL,
                currency varchar(3) NOT NULL,
                card_brand varchar(30) NOT NULL,
                card_last4 varchar(4) NOT NULL,
                payment_method_token varchar(100) NOT NULL,
                ship_name varchar(100) NOT NULL,
                ship_street varchar(200) NOT NULL,
                ship_city varchar(100) NOT NULL,
                ship_postal_code varchar(20) NOT NULL,
                ship_country varchar(60) NOT NULL,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL,
                stock_reserved_at timestamptz NULL
            );
            CREATE UNIQUE INDEX ix_orders_buyer_idempotency ON orders (buyer_id, idempotency_key);
            CREATE INDEX ix_orders_buyer_created ON orders (buyer_id, created_at DESC);
            CREATE INDEX ix_orders_status_created ON orders (status, created_at);

            CREATE TABLE order_lines (
                order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
                product_id integer NOT NULL,
                name varchar(200) NOT NULL,
                unit_price numeric(12,2) NOT NULL,
                quantity integer NOT NULL CHECK (quantity > 0),
                PRIMARY KEY (order_id, product_id)
            );

            CREATE TABLE payments (
                order_id uuid PRIMARY KEY REFERENCES orders (id),
                status varchar(20) NOT NULL,
                amount numeric(12,2) NOT NULL,
                currency varchar(3) NOT NULL,
                provider_reference varchar(100) NULL,
                failure_reason varchar(500) NULL,
                started_at timestamptz NOT NULL,
                completed_at timestamptz NULL
            );
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP TABLE payments; DROP TABLE order_lines; DROP TABLE orders;");
    }
}
