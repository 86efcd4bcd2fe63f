using System.Collections.Concurrent;
using Commerce.Ordering.Domain;
using Microsoft.Extensions.Options;

namespace Commerce.Ordering.Payments;

public enum ChargeOutcome
{
    Approved,
    Declined,
}

public sealed record ChargeResult(ChargeOutcome Outcome, string Reference, string? DeclineReason);

/// <summary>
/// A card provider as Ordering sees it. A card is exchanged for a payment method token at checkout,
/// so the order keeps only that token, the brand and the last four digits; the charge happens later
/// with an idempotency key, so a retried charge is never a second charge.
/// </summary>
public interface IPaymentProvider
{
    string Tokenize(PaymentCard card);

    Task<ChargeResult> ChargeAsync(string idempotencyKey, string paymentMethodToken, decimal amount, string currency, CancellationToken cancellationToken);
}

/// <summary>
/// The simulated provider: card 4242 4242 4242 4242 (and any other valid card) is approved,
/// 4000 0000 0000 0002 is declined, 4000 0000 0000 9995 is declined for insufficient funds.
/// The token carries only the simulated outcome, never the number.
/// </summary>
public sealed class SimulatedPaymentProvider(IOptions<PaymentOptions> options, TimeProvider time) : IPaymentProvider
{
    private const string DeclinedCard = "4000000000000002";
    private const string InsufficientFundsCard = "4000000000009995";

    // The provider's own memory of idempotency keys, as a real provider keeps it on its side.
    private readonly ConcurrentDictionary<string, Lazy<Task<ChargeResult>>> _charges = new();

    public int ChargeCount => _charges.Count;

    /// <summary>How many charges the provider made for a key: at most one, by construction.</summary>
    public int ChargesFor(string idempotencyKey) => _charges.ContainsKey(idempotencyKey) ? 1 : 0;

    public string Tokenize(PaymentCard card)
    {
        var kind = card.Number switch
        {
            DeclinedCard => "declined",
            InsufficientFundsCard => "nofunds",
            _ => "ok",
        };
        return $"pm_sim_{kind}_{Guid.NewGuid():N}";
    }

    public Task<ChargeResult> ChargeAsync(string idempotencyKey, string paymentMethodToken, decimal amount, string currency, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        var charge = _charges.GetOrAdd(idempotencyKey, _ => new Lazy<Task<ChargeResult>>(
            () => ChargeOnceAsync(paymentMethodToken, amount)));
        return charge.Value.WaitAsync(cancellationToken);
    }

    private async Task<ChargeResult> ChargeOnceAsync(string token, decimal amount)
    {
        await Task.Delay(options.Value.SimulatedLatency, time);
        var reference = $"ch_sim_{Guid.NewGuid():N}";
        if (amount <= 0)
        {
            return new ChargeResult(ChargeOutcome.Declined, reference, "The amount must be positive.");
        }

        return token switch
        {
            _ when token.StartsWith("pm_sim_declined_", StringComparison.Ordinal) => new ChargeResult(ChargeOutcome.Declined, reference, "The card was declined."),
            _ when token.StartsWith("pm_sim_nofunds_", StringComparison.Ordinal) => new ChargeResult(ChargeOutcome.Declined, reference, "The card has insufficient funds."),
            _ when token.StartsWith("pm_sim_ok_", StringComparison.Ordinal) => new ChargeResult(ChargeOutcome.Approved, reference, null),
            _ => new ChargeResult(ChargeOutcome.Declined, reference, "The payment method is unknown to the provider."),
        };
    }
}
