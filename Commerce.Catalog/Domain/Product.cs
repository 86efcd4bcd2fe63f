namespace Commerce.Catalog.Domain;

/// <summary>
/// A product for sale. Stock is split into what buyers can still take (<see cref="AvailableStock"/>)
/// and what submitted orders hold until they are paid or released (<see cref="ReservedStock"/>).
/// </summary>
public sealed class Product
{
    private Product()
    {
    }

    public int Id { get; private set; }
    public string Sku { get; private set; } = string.Empty;
    public string Name { get; private set; } = string.Empty;
    public string Description { get; private set; } = string.Empty;
    public string Brand { get; private set; } = string.Empty;
    public string Category { get; private set; } = string.Empty;
    public decimal Price { get; private set; }
    public string Currency { get; private set; } = ProductRules.DefaultCurrency;
    public int AvailableStock { get; private set; }
    public int ReservedStock { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>
    /// Grows by one with every change, stock included: the optimistic-concurrency token admins send
    /// back, and the order in which cache entries may replace each other.
    /// </summary>
    public int Version { get; private set; }

    public static Product Create(ProductDetails details, int initialStock, DateTimeOffset now)
    {
        if (initialStock < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(initialStock), "Initial stock cannot be negative.");
        }

        var product = new Product { AvailableStock = initialStock, CreatedAt = now, Version = 1 };
        product.Apply(details, now);
        return product;
    }

    /// <summary>Replaces the editable details; returns the previous price when the price changed.</summary>
    public PriceChange? Update(ProductDetails details, DateTimeOffset now)
    {
        var previous = new PriceChange(Price, Currency, details.Price, details.Currency);
        Apply(details, now);
        Version++;
        return previous.OldPrice != previous.NewPrice || previous.OldCurrency != previous.NewCurrency ? previous : null;
    }

    private void Apply(ProductDetails details, DateTimeOffset now)
    {
        Sku = details.Sku;
        Name = details.Name;
        Description = details.Description;
        Brand = details.Brand;
        Category = details.Category;
        Price = details.Price;
        Currency = details.Currency;
        UpdatedAt = now;
    }
}

/// <summary>What an admin may edit; stock changes only through adjustments and reservations.</summary>
public sealed record ProductDetails(string Sku, string Name, string Description, string Brand, string Category, decimal Price, string Currency);

public sealed record PriceChange(decimal OldPrice, string OldCurrency, decimal NewPrice, string NewCurrency);
