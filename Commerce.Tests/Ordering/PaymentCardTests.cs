using Commerce.Payments;
using Commerce.Ordering.Domain;

namespace Commerce.Tests.Ordering;

public sealed class PaymentCardTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("4242 4242 4242 4242", "Visa", "4242")]
    [InlineData("4000-0000-0000-0002", "Visa", "0002")]
    [InlineData("5555555555554444", "Mastercard", "4444")]
    [InlineData("2223003122003222", "Mastercard", "3222")]
    [InlineData("378282246310005", "American Express", "0005")]
    [InlineData("6011111111111117", "Discover", "1117")]
    public void Valid_cards_parse_to_brand_and_last_four(string number, string brand, string last4)
    {
        var (card, errors) = PaymentCard.Parse(number, "12/30", "123", "Ada Lovelace", Now);
        Assert.Empty(errors);
        Assert.Equal(new CardSummary(brand, last4), card!.Summary);
        Assert.DoesNotContain(card.Number, card.ToString());
    }

    [Theory]
    [InlineData("4242 4242 4242 4241", "not valid")]
    [InlineData("4242x", "only digits")]
    [InlineData("4242", "12 to 19 digits")]
    [InlineData("", "Enter the card number")]
    [InlineData("12345678901234567890", "12 to 19 digits")]
    public void Bad_numbers_are_refused(string number, string message)
    {
        var (card, errors) = PaymentCard.Parse(number, "12/30", "123", "Ada", Now);
        Assert.Null(card);
        Assert.Contains(message, Assert.Single(errors["payment.cardNumber"]));
    }

    [Theory]
    [InlineData("10/26", "expired")]
    [InlineData("13/30", "MM/YY")]
    [InlineData("1/30", "MM/YY")]
    [InlineData("12-30", "MM/YY")]
    [InlineData("ab/cd", "MM/YY")]
    [InlineData(null, "MM/YY")]
    public void Bad_or_past_expiry_is_refused(string? expiry, string message)
    {
        var (_, errors) = PaymentCard.Parse("4242424242424242", expiry, "123", "Ada", Now);
        Assert.Contains(message, Assert.Single(errors["payment.expiry"]));
    }

    [Fact]
    public void A_card_expiring_this_month_is_still_valid()
    {
        var (card, errors) = PaymentCard.Parse("4242424242424242", "11/26", "123", "Ada", Now);
        Assert.Empty(errors);
        Assert.NotNull(card);
    }

    [Fact]
    public void Cvc_and_name_are_checked()
    {
        var (_, errors) = PaymentCard.Parse("4242424242424242", "12/30", "12a", " ", Now);
        Assert.True(errors.ContainsKey("payment.cvc"));
        Assert.True(errors.ContainsKey("payment.cardholderName"));
    }

    [Theory]
    [InlineData("79927398713", true)]
    [InlineData("79927398710", false)]
    [InlineData("0", true)]
    public void Luhn(string digits, bool valid) => Assert.Equal(valid, CardRules.PassesLuhn(digits));
}
