using Commerce.Recommendations.Contracts;
using Commerce.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Commerce.Recommendations.Api;

/// <summary>The public, anonymous reads, cached for <see cref="RecommendationsOptions.CacheDuration"/>.</summary>
public static class RecommendationEndpoints
{
    public const string CachePolicy = "recommendations";

    public static IEndpointRouteBuilder MapRecommendationEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/recommendations")
            .WithTags("Recommendations")
            .CacheOutput(CachePolicy)
            .AddEndpointFilter(PublicCaching);

        group.MapGet("/products/{id}", ForProductAsync).WithName("GetProductRecommendations")
            .WithSummary("Products often bought with this one.")
            .WithDescription("Up to take (1-24, default 4) products that were in the same paid orders as the product, most often first; " +
                             "a product with few orders is completed with the best sellers of its category. 404 when Catalog does not know the product.");
        group.MapGet("/trending", TrendingAsync).WithName("GetTrendingProducts")
            .WithSummary("Products selling most right now.")
            .WithDescription("Up to take (1-24, default 8) products by units paid for in the last hour, recent units weighing more; optionally within one category.");
        return routes;
    }

    internal static async Task<Results<Ok<ProductRecommendations>, ValidationProblem, ProblemHttpResult>> ForProductAsync(
        int id, int? take, RecommendationReader reader, HttpResponse response, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (id < 1)
        {
            errors["id"] = ["A product id is a positive whole number."];
        }

        CheckTake(take, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (outcome, recommendations) = await reader.ForProductAsync(id, take ?? 4, cancellationToken);
        switch (outcome)
        {
            case RecommendationReader.Outcome.ProductNotFound:
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Product not found",
                    detail: $"There is no product {id} in the catalogue.");
            case RecommendationReader.Outcome.CatalogUnreachable:
                response.SetRetryAfter(ProblemDetailsExtensions.DependencyRetryAfter);
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Catalog unavailable",
                    detail: $"Product {id} has no sales yet and Catalog, which knows its category, did not answer. Try again shortly.");
            default:
                return TypedResults.Ok(recommendations!);
        }
    }

    internal static async Task<Results<Ok<TrendingProducts>, ValidationProblem>> TrendingAsync(
        int? take, string? category, RecommendationReader reader, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        CheckTake(take, errors);
        if (category is not null && (string.IsNullOrWhiteSpace(category) || category.Length > RecommendationsOptions.MaxCategoryLength))
        {
            errors["category"] = [$"A category is a name of 1 to {RecommendationsOptions.MaxCategoryLength} characters; leave it out for every category."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(await reader.TrendingAsync(category?.Trim(), take ?? 8, cancellationToken));
    }

    private static void CheckTake(int? take, Dictionary<string, string[]> errors)
    {
        if (take is < 1 or > RecommendationsOptions.MaxTake)
        {
            errors["take"] = [$"take must be between 1 and {RecommendationsOptions.MaxTake}."];
        }
    }

    /// <summary>Successful answers may be kept by browsers and proxies as long as by the output cache; errors are not.</summary>
    private static async ValueTask<object?> PublicCaching(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var duration = context.HttpContext.RequestServices.GetRequiredService<IOptions<RecommendationsOptions>>().Value.CacheDuration;
        var outcome = result is INestedHttpResult nested ? nested.Result : result;
        if (outcome is IStatusCodeHttpResult { StatusCode: StatusCodes.Status200OK } && duration > TimeSpan.Zero)
        {
            context.HttpContext.Response.Headers.CacheControl = $"public, max-age={(int)duration.TotalSeconds}";
        }

        return result;
    }
}
