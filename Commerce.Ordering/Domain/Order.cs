namespace Commerce.Ordering.Domain;

/// <summary>
/// An order and its state machine: Submitted → StockReserved → Paid → Shipped, and Cancelled from
/// Submitted or StockReserved. Every transition is checked here; callers never set the status.
/// </summary>
public sealed class Order
{
    private readonly List<OrderLine> _lines = [];

    private Order()
    {
    }

    public Guid Id { get; private set; }
    public string BuyerId { get; private set; } = string.Empty;
    public string IdempotencyKey { get; private set; } = string.Empty;

    /// <summary>A hash of the request the key was first used with, to refuse reuse with another body.</summary>
    public string RequestHash { get; private set; } = string.Empty;

    public OrderStatus Status { get; private set; }
    public string? StatusReason { get; private set; }
    public string Currency { get; private set; } = "USD";
    public ShippingAddress ShippingAddress { get; private set; } = null!;
    public string CardBrand { get; private set; } = string.Empty;
    public string CardLast4 { get; private set; } = string.Empty;

    /// <summary>The provider's token for the card: the order never holds the card number.</summary>
    public string PaymentMethodToken { get; private set; } = string.Empty;
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? StockReservedAt { get; private set; }
    public uint Version { get; private set; }

    public IReadOnlyList<OrderLine> Lines => _lines;

    public decimal Total => _lines.Sum(l => l.LineTotal);

    public static Order Submit(Guid id, string buyerId, string idempotencyKey, string requestHash,
        ShippingAddress address, CardSummary card, string paymentMethodToken, IEnumerable<OrderLine> lines, string currency, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(buyerId);
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        var order = new Order
        {
            Id = id,
            BuyerId = buyerId,
            IdempotencyKey = idempotencyKey,
            RequestHash = requestHash,
            Status = OrderStatus.Submitted,
            ShippingAddress = address,
            CardBrand = card.Brand,
            CardLast4 = card.Last4,
            PaymentMethodToken = paymentMethodToken,
            Currency = currency,
            CreatedAt = now,
            UpdatedAt = now,
        };
        order._lines.AddRange(lines);
        if (order._lines.Count == 0)
        {
            throw new OrderRuleException("An order needs at least one line.");
        }

        if (order._lines.Select(l => l.ProductId).Distinct().Count() != order._lines.Count)
        {
            throw new OrderRuleException("An order lists each product once.");
        }

        return order;
    }

    public TransitionResult MarkStockReserved(DateTimeOffset now)
    {
        var result = Move(OrderStatus.StockReserved, null, now, [OrderStatus.Submitted]);
        if (result == TransitionResult.Moved)
        {
            StockReservedAt = now;
        }

        return result;
    }

    /// <summary>
    /// Marks the row changed when a payment starts, so a concurrent cancel sees a newer version,
    /// retries, and finds the payment underway.
    /// </summary>
    public void NotePaymentStarted(DateTimeOffset now) => UpdatedAt = now;

    public TransitionResult MarkPaid(DateTimeOffset now) => Move(OrderStatus.Paid, null, now, [OrderStatus.StockReserved]);

    public TransitionResult Ship(DateTimeOffset now) => Move(OrderStatus.Shipped, null, now, [OrderStatus.Paid]);

    /// <summary>Stock rejected, payment failed or timed out, or the buyer changed their mind.</summary>
    public TransitionResult Cancel(string reason, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return Move(OrderStatus.Cancelled, reason, now, [OrderStatus.Submitted, OrderStatus.StockReserved]);
    }

    /// <summary>Whether a reservation made at <see cref="StockReservedAt"/> has waited too long for payment.</summary>
    public bool PaymentTimedOut(DateTimeOffset now, TimeSpan limit) =>
        Status == OrderStatus.StockReserved && StockReservedAt is { } at && now - at >= limit;

    private TransitionResult Move(OrderStatus to, string? reason, DateTimeOffset now, OrderStatus[] from)
    {
        if (Status == to)
        {
            // A redelivered event or a repeated request: already there, nothing changes.
            return TransitionResult.AlreadyThere;
        }

        if (!from.Contains(Status))
        {
            return TransitionResult.Refused;
        }

        Status = to;
        StatusReason = reason;
        UpdatedAt = now;
        return TransitionResult.Moved;
    }
}

public enum TransitionResult
{
    Moved,
    AlreadyThere,
    Refused,
}

public sealed record OrderLine(int ProductId, string Name, decimal UnitPrice, int Quantity)
{
    public decimal LineTotal => UnitPrice * Quantity;
}

public sealed record ShippingAddress(string Name, string Street, string City, string PostalCode, string Country);

/// <summary>What is kept of a card: its brand and last four digits, never the number.</summary>
public sealed record CardSummary(string Brand, string Last4);

public sealed class OrderRuleException(string message) : Exception(message);
