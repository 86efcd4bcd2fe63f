namespace Commerce.Ordering.Checkout;

public sealed record AddressRequest(string? Name, string? Street, string? City, string? PostalCode, string? Country);

public sealed record PaymentRequest(string? CardNumber, string? Expiry, string? Cvc, string? CardholderName);

public sealed record CheckoutRequest(AddressRequest? ShippingAddress, PaymentRequest? Payment);
