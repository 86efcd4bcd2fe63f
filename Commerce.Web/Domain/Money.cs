using System.Globalization;

namespace Commerce.Web.Domain;

public static class Money
{
    /// <summary>A price the way a shopper reads it: symbol for the currencies we know, the code otherwise.</summary>
    public static string Format(decimal amount, string? currency)
    {
        var number = amount.ToString("#,##0.00", CultureInfo.InvariantCulture);
        return (currency ?? string.Empty).ToUpperInvariant() switch
        {
            "USD" => "$" + number,
            "EUR" => "€" + number,
            "GBP" => "£" + number,
            "" => number,
            var code => $"{code} {number}",
        };
    }
}
