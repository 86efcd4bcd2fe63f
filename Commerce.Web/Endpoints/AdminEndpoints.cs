using Commerce.Web.Buyers;
using Commerce.Web.Services;
using Microsoft.AspNetCore.Mvc;

namespace Commerce.Web.Endpoints;

/// <summary>The back office's one-click actions; forms with fields live in the admin pages.</summary>
public static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin").RequireAuthorization(WebApp.AdminPolicy);
        group.MapPost("/products/{id:int}/stock", AdjustStockAsync);
        group.MapPost("/orders/{id}/ship", (string id, HttpContext c, OrderingClient o, FlashMessage f, CancellationToken ct) =>
            OrderActionAsync(id, c, f, "Order marked as shipped.", () => o.ShipAsync(Shopper.From(c), id, ct)));
        group.MapPost("/orders/{id}/cancel", (string id, HttpContext c, OrderingClient o, FlashMessage f, CancellationToken ct) =>
            OrderActionAsync(id, c, f, "Order cancelled.", () => o.CancelForAdminAsync(Shopper.From(c), id, ct)));
        return app;
    }

    private static async Task<IResult> AdjustStockAsync(int id, [FromForm] int? delta, HttpContext context, CatalogClient catalog,
        FlashMessage flash, CancellationToken cancellationToken)
    {
        var back = $"/admin/products/{id}";
        if (delta is not { } d || d == 0 || Math.Abs(d) > 100_000)
        {
            flash.Set(context, FlashKind.Error, "Enter a stock change such as 10 or -3 (not 0, at most 100000 either way).");
            return TypedResults.LocalRedirect(back);
        }

        try
        {
            await catalog.AdjustStockAsync(Shopper.From(context), id, d, cancellationToken);
            flash.Set(context, FlashKind.Success, d > 0 ? $"Added {d} to stock." : $"Removed {-d} from stock.");
        }
        catch (ServiceRejectedException ex)
        {
            flash.Set(context, FlashKind.Error, ex.Message);
        }
        catch (ServiceUnavailableException)
        {
            flash.Set(context, FlashKind.Error, "Catalog is not answering; stock is unchanged. Try again in a moment.");
        }

        return TypedResults.LocalRedirect(back);
    }

    private static async Task<IResult> OrderActionAsync(string id, HttpContext context, FlashMessage flash, string done, Func<Task> action)
    {
        try
        {
            await action();
            flash.Set(context, FlashKind.Success, done);
        }
        catch (ServiceRejectedException ex)
        {
            flash.Set(context, FlashKind.Error, ex.Message);
        }
        catch (ServiceUnavailableException)
        {
            flash.Set(context, FlashKind.Error, "Ordering is not answering; the order is unchanged. Try again in a moment.");
        }

        return TypedResults.LocalRedirect($"/admin/orders/{Uri.EscapeDataString(id)}");
    }
}
