using System.Globalization;
using Commerce.Catalog.Data;
using Commerce.Catalog.Domain;
using Commerce.Catalog.Search;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Commerce.Catalog.Products;

/// <summary>The public, anonymous reads: product pages and search, one or many products, brands, categories.</summary>
public static class ProductEndpoints
{
    public static IEndpointRouteBuilder MapProductEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/catalog").WithTags("Catalog");
        group.MapGet("/products", ListProducts).WithName("ListProducts")
            .WithSummary("A page of products (search, filters, sort, facets), or the products named by ids=1,2,3.");
        group.MapGet("/products/{id:int}", GetProduct).WithName("GetProduct");
        group.MapGet("/brands", ListBrands).WithName("ListBrands");
        group.MapGet("/categories", ListCategories).WithName("ListCategories");
        group.MapGet("/suggest", Suggest).WithName("Suggest").WithSummary("Up to 8 product names completing q.");
        return routes;
    }

    internal static async Task<Results<Ok<ProductPage>, ValidationProblem>> ListProducts(
        string? q, string? brand, string? category, decimal? minPrice, decimal? maxPrice, string? sort, int? page, int? pageSize, string? ids,
        IProductSearch search, ProductReader reader, Microsoft.Extensions.Options.IOptions<CatalogOptions> options, CancellationToken cancellationToken)
    {
        if (ids is not null)
        {
            if (!TryParseIds(ids, out var idList, out var idError))
            {
                return Invalid("ids", idError);
            }

            var products = await reader.GetManyAsync(idList, cancellationToken);
            return TypedResults.Ok(new ProductPage(products, products.Count, 1, products.Count, ProductFacets.None));
        }

        var errors = new Dictionary<string, string[]>();
        var size = pageSize ?? options.Value.DefaultPageSize;
        if (page is < 1)
        {
            errors["page"] = ["Page starts at 1."];
        }

        if (size is < 1 or > CatalogOptions.MaxPageSize)
        {
            errors["pageSize"] = [$"Page size must be between 1 and {CatalogOptions.MaxPageSize}."];
        }

        if (q is { Length: > CatalogOptions.MaxQueryLength })
        {
            errors["q"] = [$"The search text can be at most {CatalogOptions.MaxQueryLength} characters; shorten it."];
        }

        if (minPrice is < 0)
        {
            errors["minPrice"] = ["Minimum price cannot be negative."];
        }

        if (maxPrice is < 0)
        {
            errors["maxPrice"] = ["Maximum price cannot be negative."];
        }

        if (minPrice is not null && maxPrice is not null && minPrice > maxPrice)
        {
            errors["minPrice"] = ["Minimum price cannot be above the maximum price."];
        }

        if (!TryParseSort(sort, out var order))
        {
            errors["sort"] = ["Sort must be one of: relevance, price_asc, price_desc, name, newest."];
        }

        if (page is > 10_000)
        {
            errors["page"] = ["Page can be at most 10000; narrow the search instead."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, detail: string.Join(" ", errors.Values.SelectMany(m => m)));
        }

        var query = new ProductSearchQuery(q, Blank(brand), Blank(category), minPrice, maxPrice, order, page ?? 1, size);
        var result = await search.SearchAsync(query, cancellationToken);
        var items = await reader.GetManyAsync(result.ProductIds, cancellationToken);
        return TypedResults.Ok(new ProductPage(items, result.Total, query.Page, query.PageSize, new ProductFacets(result.Brands, result.Categories)));
    }

    internal static async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> GetProduct(int id, ProductReader reader, CancellationToken cancellationToken)
    {
        var product = await reader.GetAsync(id, cancellationToken);
        return product is null ? NotFound(id) : TypedResults.Ok(product);
    }

    internal static async Task<Ok<List<NamedItem>>> ListBrands(CatalogDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await db.Brands.AsNoTracking().OrderBy(b => b.Name).Select(b => new NamedItem(b.Id, b.Name)).ToListAsync(cancellationToken));

    internal static async Task<Ok<List<NamedItem>>> ListCategories(CatalogDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await db.Categories.AsNoTracking().OrderBy(c => c.Name).Select(c => new NamedItem(c.Id, c.Name)).ToListAsync(cancellationToken));

    internal static async Task<Results<Ok<SuggestResponse>, ValidationProblem>> Suggest(string? q, IProductSearch search, CancellationToken cancellationToken)
    {
        if (q is { Length: > CatalogOptions.MaxQueryLength })
        {
            return Invalid("q", $"The search text can be at most {CatalogOptions.MaxQueryLength} characters; shorten it.");
        }

        var text = q?.Trim() ?? string.Empty;
        var suggestions = text.Length == 0 ? [] : await search.SuggestAsync(text, 8, cancellationToken);
        return TypedResults.Ok(new SuggestResponse(text, suggestions));
    }

    internal static ProblemHttpResult NotFound(int id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Product not found",
            detail: $"There is no product with id {id}. It may have been removed; list products at /api/catalog/products.");

    internal static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, detail: message);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool TryParseSort(string? sort, out ProductSort order)
    {
        order = ProductSort.Relevance;
        switch (sort?.Trim().ToLowerInvariant())
        {
            case null or "" or "relevance":
                return true;
            case "price_asc" or "price":
                order = ProductSort.PriceAscending;
                return true;
            case "price_desc" or "-price":
                order = ProductSort.PriceDescending;
                return true;
            case "name":
                order = ProductSort.Name;
                return true;
            case "newest":
                order = ProductSort.Newest;
                return true;
            default:
                return false;
        }
    }

    private static bool TryParseIds(string text, out List<int> ids, out string error)
    {
        ids = [];
        error = string.Empty;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id < 1)
            {
                error = $"'{(part.Length > 20 ? part[..20] + "…" : part)}' is not a product id; ids is a comma-separated list of positive whole numbers, e.g. ids=1,2,3.";
                return false;
            }

            ids.Add(id);
            if (ids.Count > CatalogOptions.MaxIdsPerRequest)
            {
                error = $"At most {CatalogOptions.MaxIdsPerRequest} ids per request.";
                return false;
            }
        }

        if (ids.Count == 0)
        {
            error = "ids is a comma-separated list of positive whole numbers, e.g. ids=1,2,3.";
            return false;
        }

        return true;
    }
}
