using Commerce.Catalog.Domain;
using Commerce.ServiceAuth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Commerce.Catalog.Products;

public sealed record CreateProductRequest(string? Sku, string? Name, string? Description, string? Brand, string? Category, decimal Price, string? Currency, int? AvailableStock);

/// <summary><see cref="Version"/> is the version the admin read: a stale one gets 409 instead of overwriting a newer change.</summary>
public sealed record UpdateProductRequest(string? Sku, string? Name, string? Description, string? Brand, string? Category, decimal Price, string? Currency, int? Version);

public sealed record StockAdjustmentRequest(int? Delta);

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
        var result = await commands.CreateAsync(Details(request.Sku, request.Name, request.Description, request.Brand, request.Category, request.Price, request.Currency),
            request.AvailableStock ?? 0, cancellationToken);
        return result.Error switch
        {
            CommandError.None => TypedResults.Created($"/api/catalog/products/{result.Product!.Id}", ProductResponse.From(result.Product)),
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
            Details(request.Sku, request.Name, request.Description, request.Brand, request.Category, request.Price, request.Currency),
            request.Version.Value, cancellationToken);
        return result.Error switch
        {
            CommandError.None => TypedResults.Ok(ProductResponse.From(result.Product!)),
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
            CommandError.None => TypedResults.Ok(ProductResponse.From(result.Product!)),
            CommandError.Invalid => TypedResults.ValidationProblem(result.Errors!, detail: result.Message),
            _ => Problem(result, id),
        };
    }

    private static ProductDetails Details(string? sku, string? name, string? description, string? brand, string? category, decimal price, string? currency) =>
        new(sku?.Trim().ToUpperInvariant() ?? string.Empty, name ?? string.Empty, description ?? string.Empty, brand ?? string.Empty, category ?? string.Empty,
            price, string.IsNullOrWhiteSpace(currency) ? ProductRules.DefaultCurrency : currency);

    private static ProblemHttpResult Problem(CommandResult result, int id) => result.Error switch
    {
        CommandError.NotFound => ProductEndpoints.NotFound(id),
        _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: result.Message),
    };
}
