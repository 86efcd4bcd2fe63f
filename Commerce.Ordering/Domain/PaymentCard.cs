using Commerce.Payments;

namespace Commerce.Ordering.Domain;

/// <summary>
/// A card as typed at checkout. It lives only for the request: what is kept is
/// <see cref="Summary"/> (brand and last four digits).
/// </summary>
public sealed class PaymentCard
{
    private PaymentCard(string number, int expiryMonth, int expiryYear, string cardholderName)
    {
        Number = number;
        ExpiryMonth = expiryMonth;
        ExpiryYear = expiryYear;
        CardholderName = cardholderName;
    }

    public string Number { get; }
    public int ExpiryMonth { get; }
    public int ExpiryYear { get; }
    public string CardholderName { get; }

    public CardSummary Summary => new(CardRules.BrandOf(Number), Number[^4..]);

    /// <summary>
    /// Checks number (digits, length, Luhn), expiry (MM/YY, not past), CVC and name with the shared
    /// <see cref="CardRules"/>; the errors are keyed by field so a form can show each beside its input.
    /// </summary>
    public static (PaymentCard? Card, Dictionary<string, string[]> Errors) Parse(
        string? number, string? expiry, string? cvc, string? cardholderName, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        void Check(string field, string? problem)
        {
            if (problem is not null)
            {
                errors[field] = [problem];
            }
        }

        Check("payment.cardNumber", CardRules.NumberProblem(number));
        Check("payment.expiry", CardRules.ExpiryProblem(expiry, now, out var month, out var year));
        Check("payment.cvc", CardRules.CvcProblem(cvc));
        Check("payment.cardholderName", CardRules.CardholderNameProblem(cardholderName));
        return errors.Count > 0
            ? (null, errors)
            : (new PaymentCard(CardRules.Digits(number), month, year, cardholderName!.Trim()), errors);
    }

    public override string ToString() => $"{Summary.Brand} ending {Summary.Last4}";
}
