using System.Security.Claims;
using Commerce.Ordering.Checkout;
using Commerce.Ordering.Data;
using Commerce.Ordering.Domain;
using Commerce.ServiceDefaults.Auth;
using Commerce.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Commerce.Ordering.Orders;

public static class OrderEndpoints
{
    public const int MaxPageSize = 100;

    public static IEndpointRouteBuilder MapOrderEndpoints(this IEndpointRouteBuilder routes)
    {
        var buyer = routes.MapGroup("/api/orders").RequireAuthorization().WithTags("Orders");
        buyer.MapPost("/", CheckoutAsync).WithName("Checkout");
        buyer.MapGet("/", ListMineAsync);
        buyer.MapGet("/{id:guid}", GetMineAsync).WithName("GetOrder");
        buyer.MapPost("/{id:guid}/cancel", CancelAsync);
        buyer.MapPost("/{id:guid}/ship", ShipAsync).RequireAuthorization(ServiceAuthOptions.AdminPolicy);

        var admin = routes.MapGroup("/api/admin/orders").RequireAuthorization(ServiceAuthOptions.AdminPolicy).WithTags("Admin");
        admin.MapGet("/", ListAllAsync);
        admin.MapGet("/{id:guid}", GetAnyAsync);
        admin.MapPost("/{id:guid}/cancel", AdminCancelAsync);
        return routes;
    }

    private static string BuyerId(ClaimsPrincipal user) =>
        user.FindFirstValue("sub") ?? throw new InvalidOperationException("An authenticated caller has a sub claim.");

    private static async Task<Results<Accepted<OrderResponse>, Ok<OrderResponse>, ValidationProblem, ProblemHttpResult>> CheckoutAsync(
        [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        CheckoutRequest? request,
        ClaimsPrincipal user,
        HttpContext context,
        CheckoutService checkout,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(idempotencyKey))
        {
            return TypedResults.Problem(statusCode: 400, title: "Idempotency-Key header required",
                detail: "Send a unique Idempotency-Key header with each checkout (the same key when retrying the same checkout).");
        }

        if (idempotencyKey.Length > CheckoutService.MaxIdempotencyKeyLength)
        {
            return TypedResults.Problem(statusCode: 400, title: "Idempotency-Key too long",
                detail: $"The Idempotency-Key is at most {CheckoutService.MaxIdempotencyKeyLength} characters.");
        }

        if (request is null)
        {
            return TypedResults.Problem(statusCode: 400, title: "Checkout details required",
                detail: "Send a JSON body with shippingAddress and payment.");
        }

        var token = context.Request.Headers.Authorization.ToString()["Bearer ".Length..].Trim();
        try
        {
            var result = await checkout.CheckoutAsync(BuyerId(user), token, idempotencyKey.Trim(), request, cancellationToken);
            return result switch
            {
                CheckoutResult.Accepted accepted => TypedResults.Accepted($"/api/orders/{accepted.Order.Id}", OrderResponse.From(accepted.Order)),
                CheckoutResult.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors,
                    title: "Check the highlighted fields", type: null),
                CheckoutResult.Refused refused => TypedResults.Problem(statusCode: 422, title: refused.Title, detail: refused.Detail),
                _ => throw new InvalidOperationException($"Unknown checkout result {result}."),
            };
        }
        catch (DependencyUnavailableException ex)
        {
            context.Response.SetRetryAfter(ProblemDetailsExtensions.DependencyRetryAfter);
            return TypedResults.Problem(statusCode: 503, title: "Checkout is briefly unavailable",
                detail: $"{ex.Message} Your order was not placed; try again in a few seconds with the same Idempotency-Key.");
        }
    }

    private static async Task<Ok<OrderPage>> ListMineAsync(ClaimsPrincipal user, OrderingDbContext db,
        int? page, int? pageSize, CancellationToken cancellationToken)
    {
        var buyerId = BuyerId(user);
        return TypedResults.Ok(await PageAsync(db.Orders.Where(o => o.BuyerId == buyerId), page, pageSize, cancellationToken));
    }

    private static async Task<Results<Ok<OrderResponse>, NotFound<ProblemDetails>>> GetMineAsync(Guid id, ClaimsPrincipal user,
        OrderingDbContext db, CancellationToken cancellationToken)
    {
        var buyerId = BuyerId(user);
        var order = await db.Orders.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id && o.BuyerId == buyerId, cancellationToken);
        return order is null ? NotFoundOrder(id) : TypedResults.Ok(OrderResponse.From(order));
    }

    private static async Task<Results<Ok<OrderResponse>, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> CancelAsync(
        Guid id, ClaimsPrincipal user, OrderLifecycle lifecycle, CancellationToken cancellationToken)
    {
        var outcome = await lifecycle.CancelByBuyerAsync(id, BuyerId(user), cancellationToken);
        return ToResult(id, outcome, "be cancelled");
    }

    private static async Task<Results<Ok<OrderResponse>, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> AdminCancelAsync(
        Guid id, OrderLifecycle lifecycle, CancellationToken cancellationToken)
    {
        var outcome = await lifecycle.CancelByOperatorAsync(id, cancellationToken);
        return ToResult(id, outcome, "be cancelled");
    }

    private static async Task<Results<Ok<OrderResponse>, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> ShipAsync(
        Guid id, OrderLifecycle lifecycle, CancellationToken cancellationToken)
    {
        var outcome = await lifecycle.ShipAsync(id, cancellationToken);
        return ToResult(id, outcome, "be shipped");
    }

    private static async Task<Results<Ok<OrderPage>, ValidationProblem>> ListAllAsync(OrderingDbContext db, string? status,
        int? page, int? pageSize, CancellationToken cancellationToken)
    {
        var query = db.Orders.AsQueryable();
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!Enum.TryParse<OrderStatus>(status, ignoreCase: true, out var parsed) || int.TryParse(status, out _))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["status"] = [$"Unknown status '{status}'. Use one of: {string.Join(", ", Enum.GetNames<OrderStatus>())}."],
                });
            }

            query = query.Where(o => o.Status == parsed);
        }

        return TypedResults.Ok(await PageAsync(query, page, pageSize, cancellationToken));
    }

    private static async Task<Results<Ok<OrderResponse>, NotFound<ProblemDetails>>> GetAnyAsync(Guid id, OrderingDbContext db,
        CancellationToken cancellationToken)
    {
        var order = await db.Orders.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, cancellationToken);
        return order is null ? NotFoundOrder(id) : TypedResults.Ok(OrderResponse.From(order));
    }

    private static async Task<OrderPage> PageAsync(IQueryable<Order> query, int? page, int? pageSize, CancellationToken cancellationToken)
    {
        var p = Math.Max(1, page ?? 1);
        var size = Math.Clamp(pageSize ?? 20, 1, MaxPageSize);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.AsNoTracking().OrderByDescending(o => o.CreatedAt).Skip((p - 1) * size).Take(size).ToListAsync(cancellationToken);
        return new OrderPage(items.Select(OrderResponse.From).ToList(), total, p, size);
    }

    private static NotFound<ProblemDetails> NotFoundOrder(Guid id) => TypedResults.NotFound(new ProblemDetails
    {
        Status = 404,
        Title = "Order not found",
        Detail = $"There is no order {id} for you.",
    });

    private static Results<Ok<OrderResponse>, NotFound<ProblemDetails>, Conflict<ProblemDetails>> ToResult(Guid id, LifecycleOutcome outcome, string action) =>
        outcome switch
        {
            LifecycleOutcome.Done done => TypedResults.Ok(OrderResponse.From(done.Order)),
            LifecycleOutcome.NotFound => NotFoundOrder(id),
            LifecycleOutcome.NotAllowed refused => TypedResults.Conflict(new ProblemDetails
            {
                Status = 409,
                Title = $"This order cannot {action} now",
                Detail = $"Order {id} is {refused.Order.Status}, so it cannot {action}.",
                Extensions = { ["currentStatus"] = refused.Order.Status.ToString() },
            }),
            _ => throw new InvalidOperationException($"Unknown outcome {outcome}."),
        };
}
