using Commerce.Ordering.Domain;
using Commerce.Ordering.Payments;
using Microsoft.Extensions.Options;

namespace Commerce.Tests.Ordering;

public sealed class PaymentProviderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private static SimulatedPaymentProvider Provider() =>
        new(Options.Create(new PaymentOptions { SimulatedLatency = TimeSpan.FromMilliseconds(5) }), TimeProvider.System);

    private static PaymentCard Card(string number) => PaymentCard.Parse(number, "12/30", "123", "Ada", Now).Card!;

    [Theory]
    [InlineData("4242424242424242", ChargeOutcome.Approved, null)]
    [InlineData("5555555555554444", ChargeOutcome.Approved, null)]
    [InlineData("4000000000000002", ChargeOutcome.Declined, "The card was declined.")]
    [InlineData("4000000000009995", ChargeOutcome.Declined, "The card has insufficient funds.")]
    public async Task Test_cards_have_their_documented_outcome(string number, ChargeOutcome outcome, string? reason)
    {
        var provider = Provider();
        var token = provider.Tokenize(Card(number));
        Assert.DoesNotContain(number, token);
        var result = await provider.ChargeAsync(Guid.NewGuid().ToString(), token, 10m, "USD", CancellationToken.None);
        Assert.Equal(outcome, result.Outcome);
        Assert.Equal(reason, result.DeclineReason);
    }

    [Fact]
    public async Task The_same_idempotency_key_charges_once_whatever_the_concurrency()
    {
        var provider = Provider();
        var token = provider.Tokenize(Card("4242424242424242"));
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            provider.ChargeAsync("order-1", token, 10m, "USD", CancellationToken.None)));
        Assert.Single(results.Select(r => r.Reference).Distinct());
        Assert.Equal(1, provider.ChargeCount);
    }

    [Fact]
    public async Task An_unknown_token_is_declined()
    {
        var result = await Provider().ChargeAsync("k", "tok_forged", 10m, "USD", CancellationToken.None);
        Assert.Equal(ChargeOutcome.Declined, result.Outcome);
    }
}
