using System.Globalization;

namespace Commerce.Payments;

/// <summary>
/// The rules a card form must pass, in one place: Ordering enforces them at checkout, the
/// storefront uses the same ones to show each problem beside its field before the form leaves.
/// Each check answers null when the value is fine, or a message a shopper can act on.
/// </summary>
public static class CardRules
{
    public const int MaxCardholderNameLength = 100;

    /// <summary>The digits of a number typed with spaces or dashes.</summary>
    public static string Digits(string? cardNumber) =>
        new((cardNumber ?? string.Empty).Where(char.IsAsciiDigit).ToArray());

    public static string? NumberProblem(string? cardNumber)
    {
        if (string.IsNullOrWhiteSpace(cardNumber))
        {
            return "Enter the card number.";
        }

        if (cardNumber.Any(c => !char.IsAsciiDigit(c) && c is not (' ' or '-')))
        {
            return "A card number has only digits (spaces are fine).";
        }

        var digits = Digits(cardNumber);
        if (digits.Length is < 12 or > 19)
        {
            return "A card number has 12 to 19 digits.";
        }

        // The first digit names the industry (ISO/IEC 7812): payment cards start with 2 to 6.
        // Without this, 0000 0000 0000 0000 passes Luhn and would be charged.
        if (digits[0] is < '2' or > '6')
        {
            return "This is not a payment card number: card numbers start with a digit from 2 to 6. Check the digits.";
        }

        return PassesLuhn(digits) ? null : "This card number is not valid: check the digits.";
    }

    /// <summary>Expiry as MM/YY; a card is valid until the end of its expiry month.</summary>
    public static string? ExpiryProblem(string? expiry, DateTimeOffset now) => ExpiryProblem(expiry, now, out _, out _);

    public static string? ExpiryProblem(string? expiry, DateTimeOffset now, out int month, out int year)
    {
        month = 0;
        year = 0;
        if (string.IsNullOrWhiteSpace(expiry))
        {
            return "Enter the expiry date as MM/YY.";
        }

        if (!DateTime.TryParseExact(expiry.Trim(), "MM/yy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return "Write the expiry date as MM/YY, for example 04/29.";
        }

        month = parsed.Month;
        year = parsed.Year;
        var endOfMonth = new DateTimeOffset(parsed.Year, parsed.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
        return endOfMonth <= now ? "This card has expired." : null;
    }

    public static string? CvcProblem(string? cvc)
    {
        var value = cvc?.Trim();
        return value is { Length: 3 or 4 } && value.All(char.IsAsciiDigit) ? null : "Enter the 3 or 4 digits on the back of the card.";
    }

    public static string? CardholderNameProblem(string? name)
    {
        var value = name?.Trim() ?? string.Empty;
        return value.Length switch
        {
            0 => "Enter the name on the card.",
            > MaxCardholderNameLength => $"The name on the card is at most {MaxCardholderNameLength} characters.",
            _ => value.Any(char.IsControl) ? "The name on the card contains characters that cannot be printed." : null,
        };
    }

    public static bool PassesLuhn(string digits)
    {
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
        {
            return false;
        }

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
}
