namespace Commerce.Web.Domain;

/// <summary>The order states of ARCHITECTURE.md and what a shopper or operator may do in each.</summary>
public static class OrderStatus
{
    public const string Submitted = "Submitted";
    public const string StockReserved = "StockReserved";
    public const string Paid = "Paid";
    public const string Shipped = "Shipped";
    public const string Cancelled = "Cancelled";

    public static readonly IReadOnlyList<string> All = [Submitted, StockReserved, Paid, Shipped, Cancelled];

    /// <summary>No further change can come: the live status page stops asking. (A paid order still ships.)</summary>
    public static bool IsSettled(string? status) => status is Shipped or Cancelled;

    public static bool CanCancel(string? status) => status is Submitted or StockReserved;

    /// <summary>Stock and payment are still being confirmed: the shopper is told the page will follow.</summary>
    public static bool IsBeingConfirmed(string? status) => status is Submitted or StockReserved;

    public static bool CanShip(string? status) => status is Paid;

    public static string Describe(string? status) => status switch
    {
        Submitted => "Received, checking stock",
        StockReserved => "Stock reserved, taking payment",
        Paid => "Paid",
        Shipped => "Shipped",
        Cancelled => "Cancelled",
        null or "" => "Unknown",
        var other => other,
    };

    public static bool IsKnown(string? status) => status is not null && All.Contains(status);
}
