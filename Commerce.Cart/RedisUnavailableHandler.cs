using Microsoft.AspNetCore.Diagnostics;
using Commerce.ServiceDefaults.Problems;
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
        return await problems.WriteUnavailableAsync(httpContext, exception, options.Value.RetryAfter, "Cart storage unavailable",
            "Carts cannot be read or changed just now. Try again in a few seconds.");
    }
}
