using Commerce.Catalog.Domain;

namespace Commerce.Catalog.Data;

/// <summary>
/// A deterministic, realistic catalogue: the same input always yields the same products, so the
/// seed, the tests and the benchmark agree on what exists.
/// </summary>
public static class CatalogSeedData
{
    public const int SeedProductCount = 240;

    private sealed record CategorySpec(string Name, string Code, string[] Brands, string[] Types, string[] Models, string[] Features, decimal MinPrice, decimal MaxPrice);

    private static readonly string[] Colours =
    [
        "Ocean Blue", "Graphite", "Forest Green", "Sunset Orange", "Arctic White", "Midnight Black", "Crimson Red", "Sand Beige",
        "Slate Grey", "Lemon Yellow", "Plum Purple", "Coral Pink",
    ];

    private static readonly CategorySpec[] Categories =
    [
        new("Running Shoes", "RUN", ["Stridewell", "Aerolite", "Veloce"],
            ["Road Running Shoes", "Trail Running Shoes", "Racing Flats", "Cushioned Running Shoes", "Stability Running Shoes"],
            ["Tempo", "Glide", "Swift", "Pulse", "Horizon", "Cadence", "Sprint", "Drift"],
            ["a breathable engineered mesh upper", "a responsive foam midsole that returns energy with every stride", "a grippy rubber outsole for wet roads",
             "reflective details for early-morning runs", "a padded collar and heel counter for a locked-in fit", "a rock plate that shields you on rocky trails"],
            59.99m, 219.99m),
        new("Hiking Boots", "HIK", ["Northpeak", "Tundra & Co", "Urban Trail"],
            ["Waterproof Hiking Boots", "Mid Hiking Boots", "Lightweight Hiking Shoes", "Mountaineering Boots"],
            ["Summit", "Ridge", "Alpine", "Basecamp", "Granite", "Canyon"],
            ["a waterproof, breathable membrane", "full-grain leather that softens as you walk", "a lugged outsole that bites into mud and scree",
             "a cushioned footbed for long days on the trail", "a gusseted tongue that keeps out grit"],
            89.99m, 289.99m),
        new("Jackets", "JAK", ["Northpeak", "Tundra & Co", "Urban Trail", "Aerolite"],
            ["Rain Jacket", "Insulated Down Jacket", "Softshell Jacket", "Windbreaker", "Fleece Jacket"],
            ["Storm", "Glacier", "Breeze", "Ember", "Polar", "Nimbus"],
            ["a fully taped waterproof shell", "recycled down insulation that packs into its own pocket", "an adjustable hood that moves with your head",
             "zippered hand pockets lined with soft fleece", "pit zips to let out heat on the climb"],
            49.99m, 349.99m),
        new("T-Shirts", "TEE", ["Urban Trail", "Stridewell", "Lotus Motion"],
            ["Organic Cotton T-Shirt", "Technical Running T-Shirt", "Merino Wool T-Shirt", "Graphic T-Shirt"],
            ["Everyday", "Breeze", "Classic", "Trail", "Studio", "Weekend"],
            ["soft organic cotton that stays soft wash after wash", "quick-drying fabric that wicks sweat away", "flat seams that never chafe",
             "naturally odour-resistant merino wool", "a relaxed fit with a crew neck"],
            14.99m, 69.99m),
        new("Backpacks", "BAG", ["Northpeak", "Urban Trail", "Tundra & Co"],
            ["Hiking Backpack", "Laptop Backpack", "Daypack", "Travel Backpack", "Hydration Pack"],
            ["Voyager", "Commuter", "Trailhead", "Nomad", "Pathfinder", "Metro"],
            ["a padded sleeve that fits a 16-inch laptop", "a ventilated back panel and padded shoulder straps", "water-resistant recycled nylon",
             "a hydration reservoir sleeve and hose port", "a hidden pocket for passport and cards"],
            34.99m, 199.99m),
        new("Headphones", "AUD", ["Brightwave", "Sonora"],
            ["Wireless Noise Cancelling Headphones", "True Wireless Earbuds", "Sport Earbuds", "Studio Headphones", "Bluetooth Headphones"],
            ["Aria", "Echo", "Resonance", "Nova", "Cadenza", "Pulse"],
            ["active noise cancelling that silences trains and planes", "up to 30 hours of battery life", "a sweat-proof design for workouts",
             "a low-latency Bluetooth connection", "plush memory-foam ear cushions", "studio-grade drivers with deep, clear bass"],
            29.99m, 399.99m),
        new("Smartwatches", "WCH", ["Chronix", "Brightwave"],
            ["GPS Running Watch", "Smartwatch", "Fitness Tracker", "Outdoor GPS Watch"],
            ["Vector", "Orbit", "Pace", "Zenith", "Apex"],
            ["built-in GPS that tracks pace and distance", "heart-rate and sleep tracking", "a bright always-on display",
             "up to two weeks of battery life", "water resistance to 50 metres for swimming"],
            49.99m, 599.99m),
        new("Coffee Makers", "COF", ["Brewmaster", "Ironleaf"],
            ["Espresso Machine", "Drip Coffee Maker", "French Press", "Pour-Over Coffee Set", "Burr Coffee Grinder"],
            ["Barista", "Morning", "Crema", "Roast", "Ristretto"],
            ["a 15-bar pump for rich crema", "a steam wand for silky milk foam", "a programmable timer so coffee waits for you",
             "a stainless steel carafe that keeps coffee hot", "conical burrs with 30 grind settings"],
            24.99m, 699.99m),
        new("Cookware", "COK", ["Ironleaf", "Brewmaster"],
            ["Cast Iron Skillet", "Non-Stick Frying Pan", "Stainless Steel Saucepan", "Dutch Oven", "Chef Knife"],
            ["Heritage", "Everyday", "Pro", "Hearth", "Artisan"],
            ["pre-seasoned cast iron that holds heat evenly", "a PFAS-free ceramic non-stick coating", "an induction-ready base",
             "an oven-safe design up to 260 °C", "a forged blade that stays sharp"],
            19.99m, 249.99m),
        new("Yoga & Fitness", "FIT", ["Lotus Motion", "Stridewell"],
            ["Yoga Mat", "Resistance Bands Set", "Adjustable Dumbbells", "Foam Roller", "Jump Rope"],
            ["Zen", "Flow", "Core", "Balance", "Power"],
            ["a non-slip natural rubber surface", "extra cushioning for knees and wrists", "a carry strap for the walk to class",
             "five resistance levels for every workout", "a compact design for small apartments"],
            9.99m, 399.99m),
    ];

    public static IReadOnlyList<string> BrandNames { get; } = Categories.SelectMany(c => c.Brands).Distinct().Order().ToArray();

    public static IReadOnlyList<string> CategoryNames { get; } = Categories.Select(c => c.Name).ToArray();

    /// <summary>
    /// Products <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> of an
    /// endless, deterministic sequence (round-robin over categories; SKUs unique across the sequence).
    /// </summary>
    public static IEnumerable<(ProductDetails Details, int Stock)> Generate(int count, int start = 0)
    {
        for (var n = start; n < start + count; n++)
        {
            var random = new Random(n * 7919 + 17);
            var spec = Categories[n % Categories.Length];
            var round = n / Categories.Length;
            var brand = spec.Brands[round % spec.Brands.Length];
            var type = spec.Types[(round / spec.Brands.Length + round) % spec.Types.Length];
            var model = spec.Models[random.Next(spec.Models.Length)];
            var colour = Colours[random.Next(Colours.Length)];
            var generation = 1 + (round % 5);
            var name = $"{model} {generation} {type}, {colour}";
            var features = spec.Features.OrderBy(_ => random.Next()).Take(3).ToArray();
            var description =
                $"The {brand} {model} {generation} {type.ToLowerInvariant()} in {colour.ToLowerInvariant()}, with {features[0]}, {features[1]} and {features[2]}.";
            var steps = (int)((spec.MaxPrice - spec.MinPrice) / 5m);
            var price = spec.MinPrice + 5m * random.Next(steps + 1);
            var stock = random.Next(10) == 0 ? 0 : random.Next(5, 150);
            var brandCode = new string(brand.Where(char.IsLetter).Take(4).Select(char.ToUpperInvariant).ToArray());
            yield return (new ProductDetails($"{spec.Code}-{brandCode}-{n + 1:D6}", name, description, brand, spec.Name, price, ProductRules.DefaultCurrency), stock);
        }
    }
}
