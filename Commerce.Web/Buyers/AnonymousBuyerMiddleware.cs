namespace Commerce.Web.Buyers;

/// <summary>
/// Gives a visitor who is not signed in their anonymous buyer id before the page renders, so the
/// cookie is set while the response headers can still change.
/// </summary>
public sealed class AnonymousBuyerMiddleware(RequestDelegate next, AnonymousBuyerCookie cookie)
{
    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        var isPage = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsPost(context.Request.Method);
        if (isPage && context.User.Identity?.IsAuthenticated != true
            && !path.StartsWithSegments("/assets") && !path.StartsWithSegments("/images")
            && !path.StartsWithSegments("/health") && !path.StartsWithSegments("/alive"))
        {
            cookie.GetOrIssue(context);
        }

        return next(context);
    }
}
