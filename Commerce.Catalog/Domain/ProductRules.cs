using System.Text.RegularExpressions;

namespace Commerce.Catalog.Domain;

/// <summary>The rules a product's details must follow, as field → messages a person can act on.</summary>
public static partial class ProductRules
{
    public const string DefaultCurrency = "EUR";
    public const decimal MaxPrice = 1_000_000m;
    public const int MaxNameLength = 200;
    public const int MaxDescriptionLength = 4000;
    public const int MaxBrandLength = 100;

    [GeneratedRegex("^[A-Z0-9][A-Z0-9-]{2,39}$")]
    private static partial Regex SkuPattern();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyPattern();

    public static Dictionary<string, string[]> Validate(ProductDetails details)
    {
        var errors = new Dictionary<string, string[]>();
        if (!SkuPattern().IsMatch(details.Sku ?? string.Empty))
        {
            errors["sku"] = ["SKU must be 3 to 40 characters: capital letters, digits and dashes, e.g. RUN-NIKE-0001."];
        }

        Text(errors, "name", details.Name, MaxNameLength);
        if ((details.Description ?? string.Empty).Length > MaxDescriptionLength)
        {
            errors["description"] = [$"Description can be at most {MaxDescriptionLength} characters."];
        }

        Text(errors, "brand", details.Brand, MaxBrandLength);
        Text(errors, "category", details.Category, MaxBrandLength);
        foreach (var (field, message) in PriceErrors(details.Price))
        {
            errors[field] = [message];
        }

        if (!CurrencyPattern().IsMatch(details.Currency ?? string.Empty))
        {
            errors["currency"] = ["Currency must be a three-letter ISO 4217 code in capitals, e.g. EUR."];
        }

        return errors;
    }

    public static IEnumerable<(string Field, string Message)> PriceErrors(decimal price)
    {
        if (price <= 0)
        {
            yield return ("price", "Price must be greater than zero.");
        }
        else if (price > MaxPrice)
        {
            yield return ("price", $"Price can be at most {MaxPrice:0}.");
        }
        else if (decimal.Round(price, 2) != price)
        {
            yield return ("price", "Price can have at most two decimals.");
        }
    }

    private static void Text(Dictionary<string, string[]> errors, string field, string? value, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors[field] = [$"{char.ToUpperInvariant(field[0])}{field[1..]} is required."];
        }
        else if (value.Length > max)
        {
            errors[field] = [$"{char.ToUpperInvariant(field[0])}{field[1..]} can be at most {max} characters."];
        }
        else if (value != value.Trim())
        {
            errors[field] = [$"{char.ToUpperInvariant(field[0])}{field[1..]} cannot start or end with spaces."];
        }
    }
}
