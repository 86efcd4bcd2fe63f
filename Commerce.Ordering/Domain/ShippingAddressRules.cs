namespace Commerce.Ordering.Domain;

public static class ShippingAddressRules
{
    private static readonly (string Field, string Label, int Max)[] Fields =
    [
        ("name", "name", 100),
        ("street", "street", 200),
        ("city", "city", 100),
        ("postalCode", "postal code", 20),
        ("country", "country", 60),
    ];

    /// <summary>Every field present, printable and of a sane length; errors keyed by field.</summary>
    public static (ShippingAddress? Address, Dictionary<string, string[]> Errors) Parse(
        string? name, string? street, string? city, string? postalCode, string? country)
    {
        var values = new[] { name, street, city, postalCode, country };
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < Fields.Length; i++)
        {
            var (field, label, max) = Fields[i];
            var value = values[i]?.Trim() ?? string.Empty;
            if (value.Length == 0)
            {
                errors[$"shippingAddress.{field}"] = [$"Enter the {label}."];
            }
            else if (value.Length > max)
            {
                errors[$"shippingAddress.{field}"] = [$"The {label} is at most {max} characters."];
            }
            else if (value.Any(char.IsControl))
            {
                errors[$"shippingAddress.{field}"] = [$"The {label} contains characters that cannot be printed on a label."];
            }

            values[i] = value;
        }

        return errors.Count > 0
            ? (null, errors)
            : (new ShippingAddress(values[0]!, values[1]!, values[2]!, values[3]!, values[4]!), errors);
    }
}
