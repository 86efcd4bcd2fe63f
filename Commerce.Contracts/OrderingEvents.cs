namespace Commerce.Contracts;

/// <summary>One line of a submitted order: the price is the one Catalog gave at checkout.</summary>
public sealed record OrderSubmittedLine(int ProductId, int Quantity, decimal UnitPrice);

/// <summary>A buyer checked out; Catalog reserves the stock for every line or for none.</summary>
public sealed record OrderSubmitted(Guid OrderId, string BuyerId, IReadOnlyList<OrderSubmittedLine> Lines, string Currency) : IntegrationEvent;

/// <summary>Catalog reserved the stock of every line of the order.</summary>
public sealed record StockReserved(Guid OrderId) : IntegrationEvent;

/// <summary>A line Catalog could not reserve, with how many units were asked for and are left.</summary>
public sealed record ShortLine(int ProductId, int Requested, int Available);

/// <summary>Catalog reserved nothing because these lines are short.</summary>
public sealed record StockRejected(Guid OrderId, IReadOnlyList<ShortLine> ShortLines) : IntegrationEvent;

/// <summary>The order is paid: Catalog commits its reservation.</summary>
public sealed record OrderPaid(Guid OrderId) : IntegrationEvent;

/// <summary>The order ended cancelled: Catalog releases whatever it reserved for it.</summary>
public sealed record OrderCancelled(Guid OrderId, string Reason) : IntegrationEvent;

/// <summary>The order left the warehouse. No service reacts yet: it is for a shipping or notification service to come.</summary>
public sealed record OrderShipped(Guid OrderId) : IntegrationEvent;
