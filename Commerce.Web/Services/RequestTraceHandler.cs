using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace Commerce.Web.Services;

/// <summary>
/// Keeps a service call made while a page handles a form post in the trace of that POST. Blazor
/// runs an event handler (<c>EditForm</c>'s submit) under an activity of its own that starts a new
/// trace on purpose (interactive circuits outlive requests); on a server-rendered page the
/// handler runs inside the request, so a checkout's call to Ordering, and everything Ordering,
/// RabbitMQ and Catalog do after it, would otherwise hang from nothing the storefront's POST shows.
/// </summary>
public sealed class RequestTraceHandler(IHttpContextAccessor accessor) : DelegatingHandler
{
    private const string ComponentsSource = "Microsoft.AspNetCore.Components";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Activity.Current is { Source.Name: ComponentsSource }
            && accessor.HttpContext?.Features.Get<IHttpActivityFeature>()?.Activity is { IsStopped: false } requestActivity)
        {
            // Only for this call: the change flows into the send below and ends with this method.
            return SendUnderAsync(requestActivity, request, cancellationToken);
        }

        return base.SendAsync(request, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendUnderAsync(Activity parent, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Activity.Current = parent;
        return await base.SendAsync(request, cancellationToken);
    }
}
