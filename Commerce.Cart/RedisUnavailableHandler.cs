using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Commerce.Cart;

/// <summary>
/// The cart lives in Redis: when Redis does not answer, the client gets a 503 with Retry-After
/// instead of a 500, and the cart is unchanged or unread, never half-written.
/// </summary>
internal sealed class RedisUnavailableHandler(IProblemDetailsService problems, IOptions<CartOptions> options, ILogger<RedisUnavailableHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not (RedisConnectionException or RedisTimeoutException or TimeoutException))
        {
            return false;
        }

        logger.LogError(exception, "Redis did not answer for {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(options.Value.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Cart storage unavailable",
                Detail = "Carts cannot be read or changed just now. Try again in a few seconds.",
            },
        });
    }
}
