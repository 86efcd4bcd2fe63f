using System.Globalization;
using System.Text;

namespace Commerce.Web.Domain;

/// <summary>
/// A catalog listing request as the shopper's URL states it, cleaned up: out-of-range pages,
/// sizes and prices are corrected rather than sent on, so a hand-edited URL still shows a page.
/// </summary>
public sealed record CatalogQuery
{
    public const int DefaultPageSize = 12;
    public const int MaxPageSize = 48;

    public static readonly IReadOnlyList<(string Value, string Label)> Sorts =
    [
        ("relevance", "Best match"),
        ("newest", "Newest"),
        ("price_asc", "Price: low to high"),
        ("price_desc", "Price: high to low"),
        ("name", "Name"),
    ];

    public string? Q { get; init; }
    public string? Brand { get; init; }
    public string? Category { get; init; }
    public decimal? MinPrice { get; init; }
    public decimal? MaxPrice { get; init; }
    public string? Sort { get; init; }
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = DefaultPageSize;

    public static CatalogQuery Create(string? q, string? brand, string? category, decimal? minPrice, decimal? maxPrice,
        string? sort, int? page, int? pageSize)
    {
        var min = minPrice is >= 0 ? minPrice : null;
        var max = maxPrice is >= 0 ? maxPrice : null;
        if (min is not null && max is not null && min > max)
        {
            (min, max) = (max, min);
        }

        return new CatalogQuery
        {
            Q = Clean(q, 200),
            Brand = Clean(brand, 100),
            Category = Clean(category, 100),
            MinPrice = min,
            MaxPrice = max,
            Sort = Sorts.Any(s => s.Value == sort) ? sort : null,
            Page = page is >= 1 and <= 10_000 ? page.Value : 1,
            PageSize = pageSize is >= 1 and <= MaxPageSize ? pageSize.Value : DefaultPageSize,
        };
    }

    public bool HasFilters => Brand is not null || Category is not null || MinPrice is not null || MaxPrice is not null;

    /// <summary>How many filters narrow the list, for the phone's "Filters" control: a price range counts once.</summary>
    public int ActiveFilterCount =>
        (Brand is null ? 0 : 1) + (Category is null ? 0 : 1) + (MinPrice is null && MaxPrice is null ? 0 : 1);

    public int PageCount(long total) => total <= 0 ? 1 : (int)Math.Min(10_000, (total + PageSize - 1) / PageSize);

    /// <summary>The query string Catalog's <c>GET /api/catalog/products</c> takes.</summary>
    public string ToApiQueryString() => Build(includeDefaults: true);

    /// <summary>This page's own URL with some values changed (paging links, facet links).</summary>
    public string ToUrl(string path = "/catalog") => path + Build(includeDefaults: false);

    private string Build(bool includeDefaults)
    {
        var sb = new StringBuilder();
        void Add(string key, string? value)
        {
            if (string.IsNullOrEmpty(value))
            {
                return;
            }

            sb.Append(sb.Length == 0 ? '?' : '&').Append(key).Append('=').Append(Uri.EscapeDataString(value));
        }

        Add("q", Q);
        Add("brand", Brand);
        Add("category", Category);
        Add("minPrice", MinPrice?.ToString(CultureInfo.InvariantCulture));
        Add("maxPrice", MaxPrice?.ToString(CultureInfo.InvariantCulture));
        Add("sort", Sort);
        if (includeDefaults || Page != 1)
        {
            Add("page", Page.ToString(CultureInfo.InvariantCulture));
        }

        if (includeDefaults || PageSize != DefaultPageSize)
        {
            Add("pageSize", PageSize.ToString(CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    /// <summary>Trimmed, cut to length, without control characters (a NUL has no place in a search and PostgreSQL refuses it).</summary>
    private static string? Clean(string? value, int maxLength)
    {
        if (value is not null && value.Any(char.IsControl))
        {
            value = new string(value.Where(c => !char.IsControl(c)).ToArray());
        }

        var trimmed = value?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed.Length > maxLength ? trimmed[..maxLength] : trimmed;
    }
}
