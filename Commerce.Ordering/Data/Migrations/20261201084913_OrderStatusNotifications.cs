using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commerce.Ordering.Data.Migrations
{
    /// <summary>
    /// Every change of an order's status is announced on the <c>order_status</c> channel with the
    /// order's id, at commit, whichever replica or code path made it: the order page waits for that
    /// instead of polling (Commerce.Ordering/Orders/OrderStatusListener.cs).
    /// </summary>
    public partial class OrderStatusNotifications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION notify_order_status() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('order_status', NEW.id::text);
                    RETURN NULL;
                END
                $$;

                CREATE TRIGGER orders_status_changed
                    AFTER UPDATE OF status ON orders
                    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
                    EXECUTE FUNCTION notify_order_status();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER orders_status_changed ON orders;
                DROP FUNCTION notify_order_status();
                """);
        }
    }
}
