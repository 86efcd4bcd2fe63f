using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Commerce.Catalog.Products;

namespace Commerce.Catalog.Images;

/// <summary>
/// Draws a product's picture as SVG: a shape for its category, in colours taken from its name
/// (the colour it is sold in when the name has one), with the brand underneath. Same product
/// details, same bytes, so the ETag is a hash of the drawing.
/// </summary>
public static class ProductImage
{
    private static readonly Dictionary<string, string> ColourWords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Ocean Blue"] = "#1f6fb2", ["Graphite"] = "#41464d", ["Forest Green"] = "#2e7d32", ["Sunset Orange"] = "#ef6c00",
        ["Arctic White"] = "#cfd8dc", ["Midnight Black"] = "#1b1b1f", ["Crimson Red"] = "#c62828", ["Sand Beige"] = "#c8b08a",
        ["Slate Grey"] = "#607d8b", ["Lemon Yellow"] = "#f9d71c", ["Plum Purple"] = "#6a1b9a", ["Coral Pink"] = "#f06292",
    };

    // Simple silhouettes on a 200×200 canvas.
    private static readonly Dictionary<string, string> Shapes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Running Shoes"] = "M30 130 Q40 95 70 100 L110 80 Q130 100 160 110 Q175 118 172 135 L30 140 Z",
        ["Hiking Boots"] = "M55 50 L100 50 L100 105 Q150 110 165 130 L165 145 L45 145 L45 110 Z",
        ["Jackets"] = "M70 40 L100 55 L130 40 L165 70 L150 95 L140 88 L140 160 L60 160 L60 88 L50 95 L35 70 Z",
        ["T-Shirts"] = "M70 45 Q100 62 130 45 L170 70 L155 95 L140 88 L140 160 L60 160 L60 88 L45 95 L30 70 Z",
        ["Backpacks"] = "M60 60 Q60 40 100 40 Q140 40 140 60 L145 160 L55 160 Z M75 100 L125 100 L125 135 L75 135 Z",
        ["Headphones"] = "M45 120 Q45 45 100 45 Q155 45 155 120 L140 120 Q140 62 100 62 Q60 62 60 120 Z M40 110 L65 110 L65 160 L40 160 Z M135 110 L160 110 L160 160 L135 160 Z",
        ["Smartwatches"] = "M80 30 L120 30 L120 60 L80 60 Z M80 140 L120 140 L120 170 L80 170 Z M65 60 L135 60 L135 140 L65 140 Z",
        ["Coffee Makers"] = "M60 40 L140 40 L140 60 L130 60 L130 150 L150 160 L50 160 L70 150 L70 60 L60 60 Z",
        ["Cookware"] = "M30 100 L120 100 Q120 150 75 150 Q30 150 30 100 Z M120 110 L175 105 L175 115 L120 120 Z",
        ["Yoga & Fitness"] = "M30 120 L170 120 L170 135 L30 135 Z M40 95 Q100 70 160 95 L160 110 Q100 85 40 110 Z",
    };

    public static string Svg(ProductResponse product)
    {
        var colour = ColourWords.FirstOrDefault(kv => product.Name.Contains(kv.Key, StringComparison.OrdinalIgnoreCase)).Value
            ?? HueColour(product.Sku);
        var background = HueColour(product.Category, lightness: 92);
        var shape = Shapes.GetValueOrDefault(product.Category, "M40 40 L160 40 L160 160 L40 160 Z");
        var brand = WebUtility.HtmlEncode(product.Brand);
        var title = WebUtility.HtmlEncode(product.Name);
        return $"""
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" width="400" height="400" role="img" aria-label="{title}">
              <title>{title}</title>
              <rect width="200" height="200" fill="{background}"/>
              <path d="{shape}" fill="{colour}" stroke="#00000033" stroke-width="2"/>
              <text x="100" y="188" font-family="sans-serif" font-size="13" text-anchor="middle" fill="#333">{brand}</text>
            </svg>
            """;
    }

    public static string ETag(string svg) =>
        $"\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(svg)).AsSpan(0, 12))}\"";

    private static string HueColour(string seed, int lightness = 45)
    {
        var hue = BitConverter.ToUInt16(SHA256.HashData(Encoding.UTF8.GetBytes(seed)), 0) % 360;
        return string.Create(CultureInfo.InvariantCulture, $"hsl({hue}, 55%, {lightness}%)");
    }
}
