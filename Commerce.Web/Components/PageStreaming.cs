using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Components.Rendering;

namespace Commerce.Web.Components;

/// <summary>
/// Marks a page that waits on a service. When Blazor's script asks for the page (an enhanced
/// navigation), the page is streamed: the shell at once, then the data in the same response. A
/// first load, a crawler or a browser without JavaScript gets the whole page at once with its real
/// status (404, 503): a streamed update is shown only by the script, and a streamed response has
/// sent its status before the data is known.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class StreamWhenEnhancedAttribute : Attribute;

/// <summary>Streams what it wraps: a component without its own [StreamRendering] takes its parent's.</summary>
[StreamRendering]
public sealed class StreamedRegion : ComponentBase
{
    [Parameter] public RenderFragment? ChildContent { get; set; }

    protected override void BuildRenderTree(RenderTreeBuilder builder) => builder.AddContent(0, ChildContent);
}

public static class PageStreaming
{
    /// <summary>The value blazor.web.js puts in Accept when it fetches a page for an enhanced navigation.</summary>
    private const string EnhancedNavigation = "blazor-enhanced-nav=on";

    /// <summary>True when the page being rendered is marked <see cref="StreamWhenEnhancedAttribute"/> and the request comes from the script.</summary>
    public static bool Applies(HttpContext? context) =>
        context is not null
        && HttpMethods.IsGet(context.Request.Method)
        && context.Request.Headers.Accept.ToString().Contains(EnhancedNavigation, StringComparison.OrdinalIgnoreCase)
        && context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>()?.Type.IsDefined(typeof(StreamWhenEnhancedAttribute), inherit: false) == true;
}
