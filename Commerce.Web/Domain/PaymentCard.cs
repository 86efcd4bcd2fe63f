using System.Globalization;

namespace Commerce.Web.Domain;

/// <summary>
/// Checks a card form before it leaves the storefront, so a typo is caught next to its field.
/// The card itself is only passed on to Ordering; the storefront never stores it.
/// </summary>
public static class PaymentCard
{
    public static string Digits(string? cardNumber) =>
        new((cardNumber ?? string.Empty).Where(char.IsAsciiDigit).ToArray());

    public static bool PassesLuhn(string digits)
    {
        if (digits.Length is < 12 or > 19 || !digits.All(char.IsAsciiDigit))
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

    public static string? NumberProblem(string? cardNumber)
    {
        if (string.IsNullOrWhiteSpace(cardNumber))
        {
            return "Enter the card number.";
        }

        if (cardNumber.Any(c => !char.IsAsciiDigit(c) && c != ' ' && c != '-'))
        {
            return "A card number has only digits (spaces are fine).";
        }

        return PassesLuhn(Digits(cardNumber)) ? null : "This card number is not valid: check the digits.";
    }

    /// <summary>Expiry as MM/YY; a card is valid until the end of its expiry month.</summary>
    public static string? ExpiryProblem(string? expiry, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(expiry))
        {
            return "Enter the expiry date as MM/YY.";
        }

        if (!DateTime.TryParseExact(expiry.Trim(), "MM/yy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month))
        {
            return "Write the expiry date as MM/YY, for example 04/29.";
        }

        var endOfMonth = new DateTimeOffset(month.Year, month.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
        return endOfMonth <= now ? "This card has expired." : null;
    }

    public static string? CvcProblem(string? cvc) =>
        cvc is { Length: 3 or 4 } && cvc.All(char.IsAsciiDigit) ? null : "Enter the 3 or 4 digits on the back of the card.";
}
