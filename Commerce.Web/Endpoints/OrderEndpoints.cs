using Commerce.Web.Buyers;
using Commerce.Web.Domain;
using Commerce.Web.Services;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Commerce.Web.Endpoints;

public static class OrderEndpoints
{
    /// <param name="CartCount">Units in the shopper's cart now, or null when Cart did not answer in time: the page's
    /// badge follows the cart emptying itself after the order (Cart hears of the order on its own).</param>
    public sealed record OrderStatusView(string Status, string Description, string? Reason, bool Settled, bool CanCancel, int? CartCount);

    // The status answer is what the order page waits for: the badge's count gets less time than on a page.
    private static readonly TimeSpan CartCountBudget = TimeSpan.FromMilliseconds(500);

    public static IEndpointRouteBuilder MapOrderEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/orders").RequireAuthorization();
        group.MapGet("/{id}/status", StatusAsync);
        group.MapPost("/{id}/cancel", CancelAsync);
        return app;
    }

    /// <summary>
    /// What the order page asks until the order settles. With <c>waitWhile</c> (the status the page
    /// shows), the answer comes when the status changes, or after Ordering's wait limit.
    /// </summary>
    private static async Task<Results<Ok<OrderStatusView>, NotFound, ProblemHttpResult>> StatusAsync(string id, string? waitWhile,
        HttpContext context, OrderingClient ordering, CartClient cart, CancellationToken cancellationToken)
    {
        if (waitWhile is not null && !OrderStatus.IsKnown(waitWhile))
        {
            return TypedResults.Problem($"'{waitWhile}' is not an order status; use {string.Join(", ", OrderStatus.All)}.",
                statusCode: StatusCodes.Status400BadRequest, title: "Unknown order status");
        }

        try
        {
            var order = await ordering.GetAsync(Shopper.From(context), id, cancellationToken, waitWhile);
            if (order is null)
            {
                return TypedResults.NotFound();
            }

            context.Response.Headers.CacheControl = "no-store";
            return TypedResults.Ok(new OrderStatusView(order.Status, OrderStatus.Describe(order.Status), order.StatusReason,
                OrderStatus.IsSettled(order.Status), OrderStatus.CanCancel(order.Status), await cart.CountAsync(Shopper.From(context), CartCountBudget, cancellationToken)));
        }
        catch (Exception ex) when (ex is ServiceUnavailableException or ServiceRejectedException)
        {
            return TypedResults.Problem("Order status is unavailable right now; the page keeps trying.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static async Task<IResult> CancelAsync(string id, HttpContext context, OrderingClient ordering, FlashMessage flash, CancellationToken cancellationToken)
    {
        try
        {
            await ordering.CancelAsync(Shopper.From(context), id, cancellationToken);
            flash.Set(context, FlashKind.Success, "Your order is cancelled.");
        }
        catch (ServiceRejectedException ex)
        {
            flash.Set(context, FlashKind.Error, ex.Message);
        }
        catch (ServiceUnavailableException)
        {
            flash.Set(context, FlashKind.Error, "Orders cannot be changed right now. Please try again in a moment.");
        }

        return TypedResults.LocalRedirect($"/orders/{Uri.EscapeDataString(id)}");
    }
}
