using System.Security.Claims;
using Commerce.Cart.Contracts;
using Commerce.Cart.Domain;
using Commerce.ServiceAuth;
using Commerce.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Commerce.Cart.Carts;

/// <summary>
/// The buyer's own cart. Every route needs a token and acts on the cart of its <c>sub</c>; no route
/// or body names a buyer, so nobody can reach another buyer's cart.
/// </summary>
public static class CartEndpoints
{
    public static IEndpointRouteBuilder MapCartEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var cart = endpoints.MapGroup("/api/cart")
            .RequireAuthorization()
            .WithTags("Cart")
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        cart.MapGet("", GetAsync).WithName("GetCart");
        cart.MapPut("/items/{productId}", SetQuantityAsync).WithName("SetCartItemQuantity");
        cart.MapDelete("/items/{productId}", RemoveAsync).WithName("RemoveCartItem");
        cart.MapDelete("", ClearAsync).WithName("ClearCart");
        cart.MapPost("/merge", MergeAsync).WithName("MergeCart");
        return endpoints;
    }

    private static async Task<Results<Ok<CartView>, ProblemHttpResult>> GetAsync(
        ClaimsPrincipal user, CartService carts, CancellationToken cancellationToken)
    {
        if (BuyerOf(user) is not { } buyer)
        {
            return NoBuyer();
        }

        return TypedResults.Ok(await carts.GetAsync(buyer, cancellationToken));
    }

    private static async Task<Results<Ok<CartView>, ValidationProblem, ProblemHttpResult>> SetQuantityAsync(
        int productId, SetQuantityRequest request, ClaimsPrincipal user, CartService carts, HttpResponse response,
        IOptions<CartOptions> options, CancellationToken cancellationToken)
    {
        if (BuyerOf(user) is not { } buyer)
        {
            return NoBuyer();
        }

        if (request.Quantity is not { } quantity)
        {
            return Invalid("quantity", $"Send the quantity to set, e.g. {{ \"quantity\": 2 }}: 1 to {options.Value.MaxQuantity}, or 0 to remove the line.");
        }

        return ToResult(await carts.SetQuantityAsync(buyer, productId, quantity, cancellationToken), response, options.Value);
    }

    private static async Task<Results<Ok<CartView>, ValidationProblem, ProblemHttpResult>> RemoveAsync(
        int productId, ClaimsPrincipal user, CartService carts, HttpResponse response, IOptions<CartOptions> options,
        CancellationToken cancellationToken)
    {
        if (BuyerOf(user) is not { } buyer)
        {
            return NoBuyer();
        }

        return ToResult(await carts.RemoveAsync(buyer, productId, cancellationToken), response, options.Value);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ClearAsync(
        ClaimsPrincipal user, CartService carts, CancellationToken cancellationToken)
    {
        if (BuyerOf(user) is not { } buyer)
        {
            return NoBuyer();
        }

        await carts.ClearAsync(buyer, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<CartView>, ValidationProblem, ProblemHttpResult>> MergeAsync(
        MergeCartRequest request, ClaimsPrincipal user, CartService carts, ServiceTokenValidator tokens, HttpResponse response,
        IOptions<CartOptions> options, CancellationToken cancellationToken)
    {
        if (BuyerOf(user) is not { } buyer)
        {
            return NoBuyer();
        }

        if (string.IsNullOrWhiteSpace(request.AnonymousBuyerToken))
        {
            return Invalid("anonymousBuyerToken",
                "Send the anonymous buyer's token as proof that the cart to merge is yours, e.g. { \"anonymousBuyerToken\": \"eyJ…\" }.");
        }

        var (anonymousBuyerId, problem) = await tokens.ValidateAsync(request.AnonymousBuyerToken);
        if (anonymousBuyerId is null)
        {
            return TypedResults.Problem($"{problem} Only a cart you prove to own can be merged into yours; nothing was changed.",
                statusCode: StatusCodes.Status403Forbidden, title: "Not your cart");
        }

        return ToResult(await carts.MergeAsync(buyer, anonymousBuyerId, cancellationToken), response, options.Value);
    }

    private static Results<Ok<CartView>, ValidationProblem, ProblemHttpResult> ToResult(CartOutcome outcome, HttpResponse response, CartOptions options)
    {
        switch (outcome)
        {
            case CartOutcome.Done done:
                return TypedResults.Ok(done.Cart);
            case CartOutcome.Invalid invalid:
                return Invalid(invalid.Field, invalid.Message);
            case CartOutcome.NotFound notFound:
                return TypedResults.Problem(notFound.Message, statusCode: StatusCodes.Status404NotFound, title: notFound.Title);
            case CartOutcome.Conflict conflict:
                return TypedResults.Problem(conflict.Message, statusCode: StatusCodes.Status409Conflict, title: "Cart conflict");
            case CartOutcome.CatalogUnavailable unavailable:
                response.SetRetryAfter(options.RetryAfter);
                return TypedResults.Problem(unavailable.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Catalog unavailable");
            default:
                throw new InvalidOperationException($"Unhandled cart outcome {outcome.GetType().Name}.");
        }
    }

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, detail: message);

    private static string? BuyerOf(ClaimsPrincipal user) => user.BuyerId();

    private static ProblemHttpResult NoBuyer() =>
        TypedResults.Problem("The token names no buyer (no 'sub' claim); sign in again.", statusCode: StatusCodes.Status403Forbidden, title: "No buyer");
}
