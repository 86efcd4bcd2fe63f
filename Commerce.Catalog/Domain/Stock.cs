namespace Commerce.Catalog.Domain;

/// <summary>One line of an order asking for stock.</summary>
public sealed record StockLine(int ProductId, int Quantity);

/// <summary>Why a line could not be reserved.</summary>
public sealed record StockShortage(int ProductId, int Requested, int Available, string Reason);

/// <summary>Where an order's reservation stands. Rejected and Released are final; Committed is final too.</summary>
public enum ReservationStatus
{
    Reserved,
    Rejected,
    Committed,
    Released,
}

/// <summary>The pure rules of reserving stock, free of storage.</summary>
public static class StockRules
{
    public const int MaxLinesPerOrder = 100;
    public const int MaxQuantityPerLine = 10_000;

    /// <summary>Merges duplicate lines and rejects quantities that make no sense.</summary>
    public static IReadOnlyList<StockLine> Normalize(IEnumerable<StockLine> lines)
    {
        var merged = new SortedDictionary<int, int>();
        foreach (var line in lines)
        {
            if (line.Quantity <= 0)
            {
                throw new ArgumentException($"Quantity for product {line.ProductId} must be at least 1.", nameof(lines));
            }

            merged[line.ProductId] = checked(merged.GetValueOrDefault(line.ProductId) + line.Quantity);
        }

        if (merged.Count == 0)
        {
            throw new ArgumentException("An order needs at least one line to reserve stock.", nameof(lines));
        }

        if (merged.Count > MaxLinesPerOrder || merged.Values.Any(q => q > MaxQuantityPerLine))
        {
            throw new ArgumentException($"An order can have at most {MaxLinesPerOrder} products and {MaxQuantityPerLine} units of each.", nameof(lines));
        }

        // Sorted by product id: every reservation locks rows in the same order, so two never deadlock.
        return merged.Select(kv => new StockLine(kv.Key, kv.Value)).ToList();
    }

    /// <summary>The lines that cannot be served from <paramref name="available"/> (missing key = unknown product).</summary>
    public static IReadOnlyList<StockShortage> FindShortages(IReadOnlyList<StockLine> lines, IReadOnlyDictionary<int, int> available)
    {
        var shortages = new List<StockShortage>();
        foreach (var line in lines)
        {
            if (!available.TryGetValue(line.ProductId, out var onHand))
            {
                shortages.Add(new StockShortage(line.ProductId, line.Quantity, 0, $"Product {line.ProductId} does not exist."));
            }
            else if (onHand < line.Quantity)
            {
                shortages.Add(new StockShortage(line.ProductId, line.Quantity, onHand,
                    onHand == 0 ? $"Product {line.ProductId} is out of stock." : $"Only {onHand} of product {line.ProductId} left; {line.Quantity} requested."));
            }
        }

        return shortages;
    }

    /// <summary>The stock after an admin adjustment, or an explanation of why it is refused.</summary>
    public static (int NewStock, string? Error) Adjust(int available, int delta)
    {
        if (delta == 0)
        {
            return (available, "Delta must not be zero.");
        }

        var next = (long)available + delta;
        if (next < 0)
        {
            return (available, $"Only {available} in stock: removing {-delta} would go below zero.");
        }

        return next > int.MaxValue ? (available, "Stock would exceed the largest storable amount.") : ((int)next, null);
    }

    public static bool CanCommit(ReservationStatus status) => status is ReservationStatus.Reserved;

    public static bool CanRelease(ReservationStatus status) => status is ReservationStatus.Reserved;
}
