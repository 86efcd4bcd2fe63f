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

    public CardSummary Summary => new(BrandOf(Number), Number[^4..]);

    /// <summary>
    /// Checks number (digits, length, Luhn), expiry (MM/YY, not past), CVC and name; the errors are
    /// keyed by field so a form can show each beside its input.
    /// </summary>
    public static (PaymentCard? Card, Dictionary<string, string[]> Errors) Parse(
        string? number, string? expiry, string? cvc, string? cardholderName, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        var digits = new string((number ?? string.Empty).Where(c => c is not (' ' or '-')).ToArray());
        if (digits.Length == 0)
        {
            errors["payment.cardNumber"] = ["Enter the card number."];
        }
        else if (!digits.All(char.IsAsciiDigit) || digits.Length is < 12 or > 19)
        {
            errors["payment.cardNumber"] = ["A card number has 12 to 19 digits."];
        }
        else if (!PassesLuhn(digits))
        {
            errors["payment.cardNumber"] = ["This card number is not valid: check it for a typo."];
        }

        var month = 0;
        var year = 0;
        var exp = (expiry ?? string.Empty).Trim();
        if (exp.Length != 5 || exp[2] != '/' || !int.TryParse(exp.AsSpan(0, 2), out month) || !int.TryParse(exp.AsSpan(3, 2), out year)
            || month is < 1 or > 12 || !exp[..2].All(char.IsAsciiDigit) || !exp[3..].All(char.IsAsciiDigit))
        {
            errors["payment.expiry"] = ["Enter the expiry date as MM/YY."];
        }
        else
        {
            year += 2000;
            // A card is valid through the last day of its expiry month.
            var lastValidMonth = new DateTime(year, month, 1);
            if (lastValidMonth < new DateTime(now.Year, now.Month, 1))
            {
                errors["payment.expiry"] = ["This card has expired."];
            }
        }

        var c = (cvc ?? string.Empty).Trim();
        if (c.Length is < 3 or > 4 || !c.All(char.IsAsciiDigit))
        {
            errors["payment.cvc"] = ["The security code is the 3 or 4 digits on the card."];
        }

        var name = (cardholderName ?? string.Empty).Trim();
        if (name.Length == 0)
        {
            errors["payment.cardholderName"] = ["Enter the name on the card."];
        }
        else if (name.Length > 100)
        {
            errors["payment.cardholderName"] = ["The name on the card is at most 100 characters."];
        }

        return errors.Count > 0 ? (null, errors) : (new PaymentCard(digits, month, year, name), errors);
    }

    public static bool PassesLuhn(string digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return sum % 10 == 0;
    }

    public static string BrandOf(string digits) => digits switch
    {
        ['4', ..] => "Visa",
        ['3', '4' or '7', ..] => "American Express",
        ['5', >= '1' and <= '5', ..] => "Mastercard",
        ['2', ..] when int.TryParse(digits.AsSpan(0, 4), out var p) && p is >= 2221 and <= 2720 => "Mastercard",
        ['6', '0', '1', '1', ..] or ['6', '5', ..] => "Discover",
        _ => "Card",
    };

    public override string ToString() => $"{Summary.Brand} ending {Summary.Last4}";
}
