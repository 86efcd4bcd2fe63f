using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Commerce.ServiceDefaults.Problems;

public static class ProblemDetailsExtensions
{
    /// <summary>How long a caller is asked to wait after a dependency's passing outage.</summary>
    public static readonly TimeSpan DependencyRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>Retry-After in whole seconds, rounded up.</summary>
    public static void SetRetryAfter(this HttpResponse response, TimeSpan retryAfter) =>
        response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// A passing outage of something the request needs: 503 with Retry-After, so that the caller
    /// tries again rather than treating it as a bug. For exception handlers.
    /// </summary>
    public static ValueTask<bool> WriteUnavailableAsync(this IProblemDetailsService problems, HttpContext httpContext, Exception exception,
        TimeSpan retryAfter, string title, string detail)
    {
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.SetRetryAfter(retryAfter);
        return problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = StatusCodes.Status503ServiceUnavailable, Title = title, Detail = detail },
        });
    }

    /// <summary>Every error answers as RFC 9457 ProblemDetails carrying the trace id.</summary>
    public static IServiceCollection AddCommerceProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            ctx.ProblemDetails.Extensions["traceId"] = Activity.Current?.Id ?? ctx.HttpContext.TraceIdentifier;
            ctx.ProblemDetails.Instance ??= ctx.HttpContext.Request.Path;
        });
        services.AddExceptionHandler<BadRequestExceptionHandler>();

        // Binding failures (malformed JSON, a non-numeric number) throw so the handler above can say
        // which parameter was wrong, instead of an empty 400.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o => ConfigureRequestJson(o.SerializerOptions));
        return services;
    }

    /// <summary>
    /// How the services read JSON bodies: numbers must be JSON numbers (the web defaults would take
    /// <c>"5"</c> for 5, so a client's type error changed stock instead of getting a 400), a member
    /// may appear once, and text must be free of control characters. Unknown members are skipped.
    /// </summary>
    public static void ConfigureRequestJson(System.Text.Json.JsonSerializerOptions options)
    {
        options.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip;
        options.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        // {"delta":5,"delta":500} means one thing to one parser and another to the next.
        options.AllowDuplicateProperties = false;
        if (!options.Converters.OfType<StrictStringConverter>().Any())
        {
            options.Converters.Add(new StrictStringConverter());
        }
    }

    /// <summary>Refuses control characters and repeated parameters in the path and query (400); see <see cref="RequestTargetGuard"/>.</summary>
    public static Microsoft.AspNetCore.Builder.IApplicationBuilder UseRequestTargetGuard(this Microsoft.AspNetCore.Builder.IApplicationBuilder app) =>
        Microsoft.AspNetCore.Builder.UseMiddlewareExtensions.UseMiddleware<RequestTargetGuard>(app);
}

/// <summary>Turns request-binding errors into a 400 that names what was wrong.</summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var detail = bad.InnerException is System.Text.Json.JsonException json
            ? $"{bad.Message} {json.Message}"
            : bad.Message;
        httpContext.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "Bad request",
                Detail = detail,
            },
        });
    }
}
