namespace Commerce.Web.Security;

/// <summary>
/// The headers every storefront response carries (pages, redirects, errors and assets alike), set
/// as the response starts so that error pages and status-code pages get them too.
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    /// <summary>
    /// Only the site's own script, styles and images; no framing, no plugins, forms post only here.
    /// The storefront renders no inline script or style, so none is allowed.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

    public const string PermissionsPolicy = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var ctx = (HttpContext)state;
            var headers = ctx.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            // Overrides the SAMEORIGIN antiforgery writes on form pages: no page is ever framed.
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers["Permissions-Policy"] = PermissionsPolicy;
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            RelativeLocation(ctx);
            return Task.CompletedTask;
        }, context);
        return next(context);
    }

    /// <summary>
    /// A redirect to this site names no host: the framework builds absolute redirects from the
    /// request's Host header, which a client chooses, so they are cut to path and query.
    /// </summary>
    private static void RelativeLocation(HttpContext context)
    {
        var location = context.Response.Headers.Location.ToString();
        if (location.Length == 0 || !Uri.TryCreate(location, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return;
        }

        var requestHost = context.Request.Host;
        if (string.Equals(uri.Authority, requestHost.Value, StringComparison.OrdinalIgnoreCase)
            || (string.Equals(uri.Host, requestHost.Host, StringComparison.OrdinalIgnoreCase) && uri.IsDefaultPort && requestHost.Port is null))
        {
            context.Response.Headers.Location = uri.GetComponents(UriComponents.PathAndQuery | UriComponents.Fragment, UriFormat.UriEscaped);
        }
    }
}
