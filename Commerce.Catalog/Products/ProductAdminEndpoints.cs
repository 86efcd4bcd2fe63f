using Commerce.Catalog.Domain;
using Commerce.ServiceAuth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Commerce.Catalog.Products;

/// <summary>Back-office changes to products; every route needs the admin role.</summary>
public static class ProductAdminEndpoints
{
    public static IEndpointRouteBuilder MapProductAdminEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/catalog/products")
            .WithTags("Catalog admin")
            .RequireAuthorization(ServiceAuthOptions.AdminPolicy);
        group.MapPost("/", Create).WithName("CreateProduct");
        group.MapPut("/{id:int}", Update).WithName("UpdateProduct");
        group.MapDelete("/{id:int}", Delete).WithName("DeleteProduct");
        group.MapPost("/{id:int}/stock", AdjustStock).WithName("AdjustStock").WithSummary("Adds delta to the available stock (negative removes).");
        return routes;
    }

    internal static async Task<Results<Created<ProductResponse>, ValidationProblem, ProblemHttpResult>> Create(
        CreateProductRequest request, ProductCommands commands, CancellationToken cancellationToken)
    {
        var result = await commands.CreateAsync(Details(request),
            request.AvailableStock ?? 0, cancellationToken);
        return result.Error switch
        {
            CommandError.None => TypedResults.Created($"/api/catalog/products/{result.Product!.Id}", ProductResponses.From(result.Product)),
            CommandError.Invalid => TypedResults.ValidationProblem(result.Errors!, detail: result.Message),
            _ => Problem(result, 0),
        };
    }

    internal static async Task<Results<Ok<ProductResponse>, ValidationProblem, ProblemHttpResult>> Update(
        int id, UpdateProductRequest request, ProductCommands commands, CancellationToken cancellationToken)
    {
        if (request.Version is null)
        {
            return ProductEndpoints.Invalid("version", "Version is required: send the version you read, so that a change made meanwhile is not overwritten.");
        }

        var result = await commands.UpdateAsync(id,
            Details(request),
            request.Version.Value, cancellationToken);
        return result.Error switch
        {
            CommandError.None => TypedResults.Ok(ProductResponses.From(result.Product!)),
            CommandError.Invalid => TypedResults.ValidationProblem(result.Errors!, detail: result.Message),
            _ => Problem(result, id),
        };
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> Delete(int id, ProductCommands commands, CancellationToken cancellationToken)
    {
        var result = await commands.DeleteAsync(id, cancellationToken);
        return result.Error == CommandError.None ? TypedResults.NoContent() : Problem(result, id);
    }

    internal static async Task<Results<Ok<ProductResponse>, ValidationProblem, ProblemHttpResult>> AdjustStock(
        int id, StockAdjustmentRequest request, ProductCommands commands, CancellationToken cancellationToken)
    {
        if (request.Delta is null)
        {
            return ProductEndpoints.Invalid("delta", "Delta is required: a non-zero whole number, e.g. { \"delta\": 5 } adds five units.");
        }

        var result = await commands.AdjustStockAsync(id, request.Delta.Value, cancellationToken);
        return result.Error switch
        {
            CommandError.None => TypedResults.Ok(ProductResponses.From(result.Product!)),
            CommandError.Invalid => TypedResults.ValidationProblem(result.Errors!, detail: result.Message),
            _ => Problem(result, id),
        };
    }

    private static ProductDetails Details(ProductFieldsRequest r) =>
        new(r.Sku?.Trim().ToUpperInvariant() ?? string.Empty, r.Name ?? string.Empty, r.Description ?? string.Empty, r.Brand ?? string.Empty,
            r.Category ?? string.Empty, r.Price, string.IsNullOrWhiteSpace(r.Currency) ? ProductRules.DefaultCurrency : r.Currency);

    private static ProblemHttpResult Problem(CommandResult result, int id) => result.Error switch
    {
        CommandError.NotFound => ProductEndpoints.NotFound(id),
        _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: result.Message),
    };
}
