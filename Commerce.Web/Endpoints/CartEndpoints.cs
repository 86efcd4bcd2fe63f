using Commerce.Web.Buyers;
using Commerce.Web.Services;
using Microsoft.AspNetCore.Mvc;

namespace Commerce.Web.Endpoints;

/// <summary>The cart's form posts (antiforgery-checked by AntiforgeryEnforcement, as every post is), each answered with a redirect back to a page.</summary>
public static class CartEndpoints
{
    public const int MaxQuantity = 99;

    public static IEndpointRouteBuilder MapCartEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/cart");
        group.MapPost("/add/{productId:int}", AddAsync);
        group.MapPost("/items/{productId:int}", SetAsync);
        group.MapPost("/items/{productId:int}/remove", RemoveAsync);
        return app;
    }

    private static async Task<IResult> AddAsync(int productId, [FromForm] int? quantity, [FromForm] string? returnUrl,
        HttpContext context, CartClient cart, CatalogClient catalog, FlashMessage flash, CancellationToken cancellationToken)
    {
        var back = LocalUrl.OrDefault(returnUrl, $"/products/{productId}");
        var wanted = quantity ?? 1;
        if (wanted is < 1 or > MaxQuantity)
        {
            flash.Set(context, FlashKind.Error, $"Choose a quantity between 1 and {MaxQuantity}.");
            return TypedResults.LocalRedirect(back);
        }

        var shopper = Shopper.From(context);
        try
        {
            var product = await catalog.GetProductAsync(productId, cancellationToken);
            if (product is null)
            {
                flash.Set(context, FlashKind.Error, "That product is no longer sold.");
                return TypedResults.LocalRedirect(back);
            }

            var current = await cart.GetAsync(shopper, cancellationToken);
            var inCart = current.Lines.FirstOrDefault(i => i.ProductId == productId)?.Quantity ?? 0;
            var total = Math.Min(inCart + wanted, MaxQuantity);
            await cart.SetQuantityAsync(shopper, productId, total, cancellationToken);
            flash.Set(context, FlashKind.Success, wanted == 1 ? $"Added {product.Name} to your cart." : $"Added {wanted} × {product.Name} to your cart.");
        }
        catch (ServiceRejectedException ex)
        {
            flash.Set(context, FlashKind.Error, ex.Message);
        }
        catch (ServiceUnavailableException)
        {
            flash.Set(context, FlashKind.Error, "Your cart cannot be changed right now. Please try again in a moment.");
        }

        return TypedResults.LocalRedirect(back);
    }

    private static async Task<IResult> SetAsync(int productId, [FromForm] int? quantity, HttpContext context, CartClient cart,
        FlashMessage flash, CancellationToken cancellationToken)
    {
        if (quantity is not { } q || q is < 0 or > MaxQuantity)
        {
            flash.Set(context, FlashKind.Error, $"Choose a quantity between 0 and {MaxQuantity}.");
            return TypedResults.LocalRedirect("/cart");
        }

        try
        {
            await cart.SetQuantityAsync(Shopper.From(context), productId, q, cancellationToken);
            flash.Set(context, FlashKind.Success, q == 0 ? "Removed from your cart." : "Quantity updated.");
        }
        catch (ServiceRejectedException ex)
        {
            flash.Set(context, FlashKind.Error, ex.Message);
        }
        catch (ServiceUnavailableException)
        {
            flash.Set(context, FlashKind.Error, "Your cart cannot be changed right now. Please try again in a moment.");
        }

        return TypedResults.LocalRedirect("/cart");
    }

    private static async Task<IResult> RemoveAsync(int productId, HttpContext context, CartClient cart, FlashMessage flash, CancellationToken cancellationToken)
    {
        try
        {
            await cart.RemoveAsync(Shopper.From(context), productId, cancellationToken);
            flash.Set(context, FlashKind.Success, "Removed from your cart.");
        }
        catch (Exception ex) when (ex is ServiceRejectedException or ServiceUnavailableException)
        {
            flash.Set(context, FlashKind.Error, "Your cart cannot be changed right now. Please try again in a moment.");
        }

        return TypedResults.LocalRedirect("/cart");
    }
}
