using Commerce.Messaging.Outbox;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Commerce.Recommendations.Data.Migrations;

[DbContext(typeof(RecommendationsDbContext))]
[Migration("20261130180000_Initial")]
public sealed partial class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE TABLE orders (
                order_id uuid PRIMARY KEY,
                lines_known boolean NOT NULL DEFAULT false,
                paid_at timestamptz NULL,
                cancelled boolean NOT NULL DEFAULT false,
                counted boolean NOT NULL DEFAULT false,
                updated_at timestamptz NOT NULL DEFAULT now()
            );
            -- Trending reads the counted orders of the last hour.
            CREATE INDEX ix_orders_counted_paid_at ON orders (paid_at) WHERE counted;

            CREATE TABLE order_lines (
                order_id uuid NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,
                product_id integer NOT NULL,
                quantity integer NOT NULL CHECK (quantity > 0),
                PRIMARY KEY (order_id, product_id)
            );

            CREATE TABLE product_stats (
                product_id integer PRIMARY KEY,
                units_sold bigint NOT NULL DEFAULT 0,
                orders integer NOT NULL DEFAULT 0,
                category varchar(200) NULL,
                listed boolean NOT NULL DEFAULT true,
                category_checked_at timestamptz NULL
            );
            CREATE INDEX ix_product_stats_category_units ON product_stats (category, units_sold DESC) WHERE listed;
            CREATE INDEX ix_product_stats_unchecked ON product_stats (product_id) WHERE category_checked_at IS NULL;

            CREATE TABLE product_pairs (
                product_id integer NOT NULL,
                other_id integer NOT NULL,
                orders integer NOT NULL,
                PRIMARY KEY (product_id, other_id)
            );
            CREATE INDEX ix_product_pairs_ranked ON product_pairs (product_id, orders DESC);
            """);
        migrationBuilder.CreateProcessedMessagesTable();
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP TABLE processed_messages; DROP TABLE product_pairs; DROP TABLE product_stats; DROP TABLE order_lines; DROP TABLE orders;");
    }
}
