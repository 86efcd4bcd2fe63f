using System.Security.Cryptography;
using System.Text;
using Commerce.Ordering.Contracts;
using Commerce.Ordering.Data;
using Commerce.Ordering.Domain;
using Commerce.Ordering.Payments;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Commerce.Ordering.Checkout;

public abstract record CheckoutResult
{
    public sealed record Accepted(Order Order, bool Created) : CheckoutResult;
    public sealed record Invalid(Dictionary<string, string[]> Errors) : CheckoutResult;
    public sealed record Refused(string Title, string Detail) : CheckoutResult;
}

/// <summary>
/// Turns the buyer's cart into an order: lines from Cart, names and prices from Catalog, the card
/// exchanged for a provider token. One order per buyer and idempotency key, whatever the retries:
/// the unique index decides between concurrent requests.
/// </summary>
public sealed class CheckoutService(
    OrderingDbContext db,
    CheckoutCartClient cart,
    CheckoutCatalogClient catalog,
    IPaymentProvider payments,
    IOrderEvents events,
    TimeProvider time,
    ILogger<CheckoutService> logger)
{
    public const int MaxIdempotencyKeyLength = 200;

    public async Task<CheckoutResult> CheckoutAsync(string buyerId, string bearerToken, string idempotencyKey,
        CheckoutRequest request, CancellationToken cancellationToken)
    {
        var now = time.GetStorageNow();
        var (address, addressErrors) = ShippingAddressRules.Parse(request.ShippingAddress?.Name, request.ShippingAddress?.Street,
            request.ShippingAddress?.City, request.ShippingAddress?.PostalCode, request.ShippingAddress?.Country);
        var (card, cardErrors) = PaymentCard.Parse(request.Payment?.CardNumber, request.Payment?.Expiry, request.Payment?.Cvc,
            request.Payment?.CardholderName, now);
        var requestHash = HashOf(request, card);

        var existing = await FindAsync(buyerId, idempotencyKey, cancellationToken);
        if (existing is not null)
        {
            return SameRequest(existing, requestHash);
        }

        var errors = addressErrors.Concat(cardErrors).ToDictionary();
        if (errors.Count > 0)
        {
            return new CheckoutResult.Invalid(errors);
        }

        var cartView = await cart.GetCartAsync(bearerToken, cancellationToken);
        if (cartView.Lines.Count == 0)
        {
            // A concurrent request with the same key may have committed its order, and Cart emptied
            // the cart on its OrderSubmitted, between the first lookup and this read.
            var committed = await FindAsync(buyerId, idempotencyKey, cancellationToken);
            if (committed is not null)
            {
                return SameRequest(committed, requestHash);
            }

            return new CheckoutResult.Refused("Your cart is empty", "Add something to your cart before checking out.");
        }

        var products = (await catalog.GetProductsAsync(cartView.Lines.Select(l => l.ProductId), cancellationToken))
            .ToDictionary(p => p.Id);
        var missing = cartView.Lines.Where(l => !products.ContainsKey(l.ProductId)).Select(l => l.ProductId).ToList();
        if (missing.Count > 0)
        {
            return new CheckoutResult.Refused("Some products are no longer sold",
                $"Remove product(s) {string.Join(", ", missing)} from your cart and try again.");
        }

        var currencies = cartView.Lines.Select(l => products[l.ProductId].Currency).Distinct().ToList();
        if (currencies.Count != 1)
        {
            return new CheckoutResult.Refused("Mixed currencies", "An order is paid in one currency; check out these products separately.");
        }

        var lines = cartView.Lines.Select(l =>
        {
            var product = products[l.ProductId];
            return new OrderLine(product.Id, product.Name, product.Price, l.Quantity);
        }).ToList();

        var order = Order.Submit(Guid.CreateVersion7(now), buyerId, idempotencyKey, requestHash, address!, card!.Summary,
            payments.Tokenize(card), lines, currencies[0], now);
        db.Orders.Add(order);
        events.Submitted(order);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // A concurrent request with the same key won; answer with its order.
            db.ChangeTracker.Clear();
            var winner = await FindAsync(buyerId, idempotencyKey, cancellationToken)
                ?? throw new InvalidOperationException("The order that won the idempotency race is not visible.");
            return SameRequest(winner, requestHash);
        }

        logger.LogInformation("Order {OrderId} submitted by {BuyerId} with {LineCount} lines, total {Total} {Currency}",
            order.Id, buyerId, lines.Count, order.Total, order.Currency);
        return new CheckoutResult.Accepted(order, Created: true);
    }

    private Task<Order?> FindAsync(string buyerId, string key, CancellationToken cancellationToken) =>
        db.Orders.AsNoTracking().FirstOrDefaultAsync(o => o.BuyerId == buyerId && o.IdempotencyKey == key, cancellationToken);

    private static CheckoutResult SameRequest(Order existing, string requestHash) =>
        existing.RequestHash == requestHash
            ? new CheckoutResult.Accepted(existing, Created: false)
            : new CheckoutResult.Refused("Idempotency key reused",
                "This Idempotency-Key was already used for a different checkout request. Use a new key for a new order.");

    /// <summary>
    /// What identifies "the same request" for an idempotency key. The card number and CVC are left
    /// out on purpose: a hash of a card number is card data.
    /// </summary>
    private static string HashOf(CheckoutRequest request, PaymentCard? card)
    {
        var a = request.ShippingAddress;
        var p = request.Payment;
        var canonical = string.Join('\u001f',
            a?.Name?.Trim(), a?.Street?.Trim(), a?.City?.Trim(), a?.PostalCode?.Trim(), a?.Country?.Trim(),
            card?.Summary.Last4 ?? "?", card?.Summary.Brand ?? "?", p?.Expiry?.Trim(), p?.CardholderName?.Trim());
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}

/// <summary>
/// Where the order's integration events are written: into the outbox of the same DbContext, so they
/// commit or roll back with the order.
/// </summary>
public interface IOrderEvents
{
    void Submitted(Order order);
    void Cancelled(Order order);
    void Paid(Order order);
    void Shipped(Order order);
}
