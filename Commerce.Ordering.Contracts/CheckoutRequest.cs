namespace Commerce.Ordering.Contracts;

/// <summary>
/// The body of <c>POST /api/orders</c>. The lines come from the buyer's cart and the prices from
/// Catalog, never from here. Every field may be missing in what a client sends; Ordering says which.
/// </summary>
public sealed record CheckoutRequest(AddressRequest? ShippingAddress, PaymentRequest? Payment);

public sealed record AddressRequest(string? Name, string? Street, string? City, string? PostalCode, string? Country);

/// <summary>The card to charge; <see cref="Expiry"/> is MM/YY. Only its brand and last four digits are kept.</summary>
public sealed record PaymentRequest(string? CardNumber, string? Expiry, string? Cvc, string? CardholderName);
