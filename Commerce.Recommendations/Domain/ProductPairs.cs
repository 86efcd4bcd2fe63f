namespace Commerce.Recommendations.Domain;

/// <summary>One product of a paid order, with all its units.</summary>
public readonly record struct SoldProduct(int ProductId, int Units);

/// <summary>"Bought together": one order counts once for every ordered pair of distinct products in it.</summary>
public static class ProductPairs
{
    /// <summary>
    /// An order of n products writes n(n-1) pair rows; past this many products (the most units first)
    /// the rest are left out of the pairs, so one huge order cannot stall the counting. They still
    /// count as sold.
    /// </summary>
    public const int MaxProductsPaired = 40;

    /// <summary>The order's products, one entry per product (units summed), lines with no units dropped, by id.</summary>
    public static IReadOnlyList<SoldProduct> Products(IEnumerable<SoldProduct> lines) =>
        lines.Where(l => l.Units > 0)
            .GroupBy(l => l.ProductId)
            .Select(g => new SoldProduct(g.Key, g.Sum(l => l.Units)))
            .OrderBy(p => p.ProductId)
            .ToList();

    /// <summary>
    /// Both directions of every pair (A→B and B→A, so "bought with A" is one index read), sorted so
    /// that concurrent orders lock the rows they share in the same order and cannot deadlock.
    /// </summary>
    public static IReadOnlyList<(int ProductId, int OtherId)> Of(IEnumerable<SoldProduct> lines)
    {
        var ids = Products(lines)
            .OrderByDescending(p => p.Units).ThenBy(p => p.ProductId)
            .Take(MaxProductsPaired)
            .Select(p => p.ProductId)
            .Order()
            .ToArray();
        var pairs = new List<(int, int)>(ids.Length * Math.Max(0, ids.Length - 1));
        foreach (var a in ids)
        {
            foreach (var b in ids)
            {
                if (a != b)
                {
                    pairs.Add((a, b));
                }
            }
        }

        return pairs;
    }
}
