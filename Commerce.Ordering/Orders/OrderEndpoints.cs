using System.Security.Claims;
using Commerce.Ordering.Checkout;
using Commerce.Ordering.Contracts;
using Commerce.Ordering.Data;
using Commerce.Ordering.Domain;
using Commerce.ServiceAuth;
using Commerce.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Commerce.Ordering.Orders;

public static class OrderEndpoints
{
    public const int MaxPageSize = 100;
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>Deeper pages are refused: the offset stays far from overflow, and nobody pages that far by hand.</summary>
    public const int MaxPage = 10_000;

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

    // Token validation (ServiceDefaults) refuses any token whose sub is not one buyer id, so an
    // authenticated caller always has one.
    private static string BuyerId(ClaimsPrincipal user) =>
        user.BuyerId() ?? throw new InvalidOperationException("Token validation lets no caller through without a buyer id.");

    private static async Task<Results<Accepted<OrderResponse>, Ok<OrderResponse>, ValidationProblem, ProblemHttpResult>> CheckoutAsync(
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
        CheckoutRequest? request,
        ClaimsPrincipal user,
        HttpContext context,
        CheckoutService checkout,
        CancellationToken cancellationToken)
    {
        if (context.Request.Headers[IdempotencyKeyHeader].Count > 1)
        {
            return TypedResults.Problem(statusCode: 400, title: "One Idempotency-Key header",
                detail: "Send exactly one Idempotency-Key header; several name no single checkout.");
        }

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

        // A comma would make one key read as a list of keys (RFC 9110 joins repeated fields with commas).
        if (idempotencyKey.Any(c => c is < ' ' or > '~' or ','))
        {
            return TypedResults.Problem(statusCode: 400, title: "Idempotency-Key not printable",
                detail: "The Idempotency-Key is printable ASCII without commas (a UUID is a good choice).");
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
                CheckoutResult.Accepted accepted => TypedResults.Accepted($"/api/orders/{accepted.Order.Id}", OrderResponses.From(accepted.Order)),
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

    private static async Task<Results<Ok<OrderPage>, ValidationProblem>> ListMineAsync(ClaimsPrincipal user, OrderingDbContext db,
        int? page, int? pageSize, CancellationToken cancellationToken)
    {
        if (PagingErrors(page, pageSize) is { } errors)
        {
            return TypedResults.ValidationProblem(errors, detail: string.Join(" ", errors.Values.SelectMany(m => m)));
        }

        var buyerId = BuyerId(user);
        return TypedResults.Ok(await PageAsync(db.Orders.Where(o => o.BuyerId == buyerId), page, pageSize, cancellationToken));
    }

    /// <summary>
    /// One of the buyer's orders. With <c>waitWhile</c> (statuses, comma-separated), the answer waits, up to
    /// <see cref="OrderStatusOptions.MaxWait"/>, while the status is one of those: the order page learns
    /// of the change when it happens instead of asking again and again.
    /// </summary>
    private static async Task<Results<Ok<OrderResponse>, ValidationProblem, ProblemHttpResult>> GetMineAsync(Guid id,
        [FromQuery] string? waitWhile, ClaimsPrincipal user, OrderingDbContext db, OrderStatusChanges changes,
        CancellationToken cancellationToken)
    {
        var waitFor = new HashSet<OrderStatus>();
        foreach (var name in waitWhile?.Split(',') ?? [])
        {
            if (!OrderStatusRules.TryParse(name, out var status))
            {
                return TypedResults.ValidationProblem(
                    new Dictionary<string, string[]> { ["waitWhile"] = [$"'{name}' is not an order status; use {string.Join(", ", Enum.GetNames<OrderStatus>())}."] },
                    title: "Unknown order status");
            }

            waitFor.Add(status);
        }

        var buyerId = BuyerId(user);
        var order = await changes.ReadWhenChangedAsync(id,
            ct => db.Orders.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id && o.BuyerId == buyerId, ct), waitFor, cancellationToken);
        return order is null ? NotFoundOrder(id) : TypedResults.Ok(OrderResponses.From(order));
    }

    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> CancelAsync(
        Guid id, ClaimsPrincipal user, OrderLifecycle lifecycle, CancellationToken cancellationToken)
    {
        var outcome = await lifecycle.CancelByBuyerAsync(id, BuyerId(user), cancellationToken);
        return ToResult(id, outcome, "be cancelled");
    }

    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> AdminCancelAsync(
        Guid id, OrderLifecycle lifecycle, CancellationToken cancellationToken)
    {
        var outcome = await lifecycle.CancelByOperatorAsync(id, cancellationToken);
        return ToResult(id, outcome, "be cancelled");
    }

    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> ShipAsync(
        Guid id, OrderLifecycle lifecycle, CancellationToken cancellationToken)
    {
        var outcome = await lifecycle.ShipAsync(id, cancellationToken);
        return ToResult(id, outcome, "be shipped");
    }

    private static async Task<Results<Ok<OrderPage>, ValidationProblem>> ListAllAsync(OrderingDbContext db, string? status,
        int? page, int? pageSize, CancellationToken cancellationToken)
    {
        if (PagingErrors(page, pageSize) is { } errors)
        {
            return TypedResults.ValidationProblem(errors, detail: string.Join(" ", errors.Values.SelectMany(m => m)));
        }

        var query = db.Orders.AsQueryable();
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!OrderStatusRules.TryParse(status, out var parsed))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["status"] = [$"Unknown status '{(status.Length > 40 ? status[..40] + "…" : status)}'. Use one of: {string.Join(", ", Enum.GetNames<OrderStatus>())}."],
                });
            }

            query = query.Where(o => o.Status == parsed);
        }

        return TypedResults.Ok(await PageAsync(query, page, pageSize, cancellationToken));
    }

    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> GetAnyAsync(Guid id, OrderingDbContext db,
        CancellationToken cancellationToken)
    {
        var order = await db.Orders.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, cancellationToken);
        return order is null ? NotFoundOrder(id) : TypedResults.Ok(OrderResponses.From(order));
    }

    private static Dictionary<string, string[]>? PagingErrors(int? page, int? pageSize)
    {
        var errors = new Dictionary<string, string[]>();
        if (page is < 1 or > MaxPage)
        {
            errors["page"] = [$"Page must be between 1 and {MaxPage}."];
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            errors["pageSize"] = [$"Page size must be between 1 and {MaxPageSize}."];
        }

        return errors.Count > 0 ? errors : null;
    }

    private static async Task<OrderPage> PageAsync(IQueryable<Order> query, int? page, int? pageSize, CancellationToken cancellationToken)
    {
        var p = page ?? 1;
        var size = pageSize ?? 20;
        var total = await query.CountAsync(cancellationToken);
        var items = await query.AsNoTracking().OrderByDescending(o => o.CreatedAt).Skip((p - 1) * size).Take(size).ToListAsync(cancellationToken);
        return new OrderPage(items.Select(OrderResponses.From).ToList(), total, p, size);
    }

    // TypedResults.Problem, not NotFound(new ProblemDetails): it answers as application/problem+json
    // and goes through the ProblemDetails service, which adds the trace id.
    private static ProblemHttpResult NotFoundOrder(Guid id) =>
        TypedResults.Problem(statusCode: 404, title: "Order not found", detail: $"There is no order {id} for you.");

    private static Results<Ok<OrderResponse>, ProblemHttpResult> ToResult(Guid id, LifecycleOutcome outcome, string action) =>
        outcome switch
        {
            LifecycleOutcome.Done done => TypedResults.Ok(OrderResponses.From(done.Order)),
            LifecycleOutcome.NotFound => NotFoundOrder(id),
            LifecycleOutcome.NotAllowed refused => TypedResults.Problem(statusCode: 409, title: $"This order cannot {action} now",
                detail: $"Order {id} is {refused.Order.Status}, so it cannot {action}.",
                extensions: new Dictionary<string, object?> { ["currentStatus"] = refused.Order.Status.ToString() }),
            _ => throw new InvalidOperationException($"Unknown outcome {outcome}."),
        };
}
