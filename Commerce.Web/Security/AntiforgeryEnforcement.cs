using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Metadata;

namespace Commerce.Web.Security;

/// <summary>
/// Every state-changing request (POST, PUT, PATCH, DELETE) to any storefront endpoint must carry
/// the antiforgery token and must not come from another site, unless the endpoint opts out with
/// <c>DisableAntiforgery()</c>. The framework's <c>UseAntiforgery</c> only records its verdict and
/// Minimal APIs act on it only when they bind a form, so an endpoint that reads no form field
/// (ship, cancel, sign-out, remove) would otherwise run for a forged post: this refuses it before
/// it runs, whatever its parameters or content type, and a new endpoint is covered by default.
/// </summary>
public sealed partial class AntiforgeryEnforcement(RequestDelegate next, IAntiforgery antiforgery, ILogger<AntiforgeryEnforcement> logger)
{
    public const string RefusalDetail = "This form has expired or was sent from another site. Go back, reload the page and try again.";

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)
            || HttpMethods.IsTrace(request.Method)
            || context.GetEndpoint() is not { } endpoint
            || endpoint.Metadata.GetMetadata<IAntiforgeryMetadata>() is { RequiresValidation: false })
        {
            await next(context);
            return;
        }

        if (CrossSite(request) is { } origin)
        {
            LogRefused(logger, request.Method, request.Path, $"cross-site request from {origin}");
            await RefuseAsync(context);
            return;
        }

        var verdict = context.Features.Get<IAntiforgeryValidationFeature>();
        var valid = verdict is not null ? verdict.IsValid : await antiforgery.IsRequestValidAsync(context);
        if (!valid)
        {
            LogRefused(logger, request.Method, request.Path, "no valid antiforgery token");
            await RefuseAsync(context);
            return;
        }

        await next(context);
    }

    /// <summary>The other site a request says it comes from (Origin, or the browser's Sec-Fetch-Site), if any.</summary>
    public static string? CrossSite(HttpRequest request)
    {
        if (request.Headers["Sec-Fetch-Site"].ToString() is "cross-site" or "same-site")
        {
            return request.Headers.Origin.ToString() is { Length: > 0 } o ? o : "another site";
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return null;
        }

        // The host (and port) decides, not the scheme: behind a TLS-terminating proxy whose word
        // is not trusted the request looks like HTTP while the browser's Origin says HTTPS.
        return Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            && string.Equals(uri.IsDefaultPort ? uri.Host : uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
            ? null
            : origin;
    }

    private static Task RefuseAsync(HttpContext context) =>
        TypedResults.Problem(RefusalDetail, statusCode: StatusCodes.Status400BadRequest, title: "Request refused").ExecuteAsync(context);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Method} {Path}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string path, string reason);
}
