using Commerce.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Commerce.Data;

/// <summary>
/// PostgreSQL refusing connections (down, starting, out of connection slots) is a passing outage,
/// not a bug: the caller gets 503 with Retry-After, and can try again, instead of a 500. (Services
/// that depend on Redis handle its outages themselves: Catalog reads around it, Cart answers 503.)
/// </summary>
internal sealed class PostgresUnavailableExceptionHandler(IProblemDetailsService problems,
    ILogger<PostgresUnavailableExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsTransient(exception))
        {
            return false;
        }

        logger.LogWarning(exception,
            "A dependency was unavailable while serving {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path.Value);
        return await problems.WriteUnavailableAsync(httpContext, exception, ProblemDetailsExtensions.DependencyRetryAfter, "Service briefly unavailable",
            "A service this request depends on is not answering right now; nothing was changed. Try again in a few seconds.");
    }

    private static bool IsTransient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case Npgsql.NpgsqlException { IsTransient: true }:
                case Npgsql.PostgresException { SqlState: "53300" or "57P03" or "08000" or "08003" or "08006" or "08001" or "08004" }:
                    return true;
            }
        }

        return false;
    }
}
