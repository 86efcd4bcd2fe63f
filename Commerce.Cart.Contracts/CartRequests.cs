namespace Commerce.Cart.Contracts;

/// <summary>The body of <c>PUT /api/cart/items/{productId}</c>: the quantity to set, 0 removes the line.</summary>
public sealed record SetQuantityRequest(int? Quantity);

/// <summary>
/// <see cref="AnonymousBuyerToken"/> proves the caller owns the cart to merge: a token the storefront
/// minted for the anonymous buyer (its <c>sub</c>), checked like a bearer token. An id alone proves
/// nothing, so none is taken.
/// </summary>
public sealed record MergeCartRequest(string? AnonymousBuyerToken);
