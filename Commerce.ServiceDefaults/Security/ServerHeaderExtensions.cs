using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

// The namespace of the service defaults (Extensions.cs), so AddServiceDefaults finds it without a using.
namespace Microsoft.Extensions.Hosting;

public static class ServerHeaderExtensions
{
    /// <summary>
    /// No <c>Server: Kestrel</c> on any response of any service: the header tells a prober which
    /// server and so which advisories to try, and tells a client nothing it needs.
    /// </summary>
    public static TBuilder HideServerHeader<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.Configure<KestrelServerOptions>(o => o.AddServerHeader = false);
        return builder;
    }
}
