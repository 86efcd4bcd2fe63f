using Microsoft.AspNetCore.Diagnostics;

namespace Commerce.Web.Components;

public static class ResponseStatus
{
    /// <summary>
    /// Sets the status of a page that explains itself (a service that is down, a refused form), so
    /// the generic status-code page does not replace its message. A 404 is left to the friendly
    /// not-found page: Blazor's static rendering hands 404s to status-code re-execution.
    /// </summary>
    public static void Set(HttpContext? context, int statusCode)
    {
        if (context is null || context.Response.HasStarted)
        {
            return;
        }

        context.Response.StatusCode = statusCode;
        if (statusCode != StatusCodes.Status404NotFound && context.Features.Get<IStatusCodePagesFeature>() is { } pages)
        {
            pages.Enabled = false;
        }
    }
}
