using System.Text;
using Commerce.Catalog.Products;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Commerce.Catalog.Images;

public static class ProductImageEndpoints
{
    public static IEndpointRouteBuilder MapProductImageEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/catalog/products/{id:int}/image", GetImage).WithTags("Catalog").WithName("GetProductImage");
        return routes;
    }

    internal static async Task<Results<FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult>> GetImage(
        int id, HttpContext http, ProductReader reader, CancellationToken cancellationToken)
    {
        var product = await reader.GetAsync(id, cancellationToken);
        if (product is null)
        {
            return ProductEndpoints.NotFound(id);
        }

        var svg = ProductImage.Svg(product);
        var etag = ProductImage.ETag(svg);
        var headers = http.Response.Headers;
        headers.ETag = etag;
        // Browsers and the storefront revalidate after a day; a renamed product gets a new ETag.
        headers.CacheControl = "public, max-age=86400";
        if (http.Request.GetTypedHeaders().IfNoneMatch is { Count: > 0 } match
            && match.Any(m => m.Equals(EntityTagHeaderValue.Any) || m.Tag.Equals(etag, StringComparison.Ordinal)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.File(Encoding.UTF8.GetBytes(svg), "image/svg+xml");
    }
}
