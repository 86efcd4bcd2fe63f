using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Commerce.Ordering.Data.Migrations
{
    /// <summary>
    /// PaymentSucceeded and PaymentFailed are no longer events (nothing consumed them; OrderPaid and
    /// OrderCancelled carry the outcome). A row of either still waiting in the outbox would be an
    /// unknown type to the relay and hold back the order's later events (its OrderPaid), so it goes.
    /// </summary>
    public partial class DropPaymentEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DELETE FROM outbox_messages
                WHERE sent_at IS NULL
                  AND (message_type LIKE 'Commerce.Contracts.PaymentSucceeded,%' OR message_type LIKE 'Commerce.Contracts.PaymentFailed,%');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
        }
    }
}
