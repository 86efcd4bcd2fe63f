using System.Net;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.HttpOverrides;
using IPNetwork = System.Net.IPNetwork;

namespace Commerce.Web.Security;

/// <summary>
/// What the storefront believes about the edge in front of it: which proxies may tell it the
/// client's address and scheme (<c>ForwardedHeaders:KnownNetworks</c>, <c>ForwardedHeaders:KnownProxies</c>),
/// and which host names it answers to (<c>AllowedHosts</c>).
/// </summary>
public static class EdgeOptions
{
    public const string ForwardedSection = "ForwardedHeaders";

    /// <summary>
    /// Loopback, the private ranges and the shared range 100.64.0.0/10 that Container Apps'
    /// platform uses: its ingress (and a local reverse proxy) reach the app from these, and a
    /// client on the internet cannot. Narrow them where untrusted clients share a network with the app.
    /// </summary>
    public static readonly string[] DefaultKnownNetworks =
        ["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"];

    /// <summary>
    /// Host names production answers to when <c>AllowedHosts</c> is not set: the local names and
    /// Container Apps' own domains. A custom domain is added by setting <c>AllowedHosts</c>
    /// (semicolon-separated, <c>*.example.com</c> for subdomains).
    /// </summary>
    public static readonly string[] DefaultProductionHosts = ["localhost", "127.0.0.1", "[::1]", "*.azurecontainerapps.io"];

    public static IServiceCollection AddEdgeOptions(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            // Not X-Forwarded-Host: the ingress passes the Host header through, which host filtering checks.
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // One proxy hop: the address the proxy appended, never one the client wrote before it.
            o.ForwardLimit = 1;
            o.KnownIPNetworks.Clear();
            o.KnownProxies.Clear();
            var section = configuration.GetSection(ForwardedSection);
            var networks = section.GetSection("KnownNetworks").Get<string[]>() ?? DefaultKnownNetworks;
            foreach (var network in networks)
            {
                o.KnownIPNetworks.Add(IPNetwork.Parse(network));
            }

            foreach (var proxy in section.GetSection("KnownProxies").Get<string[]>() ?? [])
            {
                o.KnownProxies.Add(IPAddress.Parse(proxy));
            }
        });

        if (AllowedHosts(configuration, environment) is { } hosts)
        {
            services.PostConfigure<HostFilteringOptions>(o => o.AllowedHosts = hosts);
        }

        return services;
    }

    /// <summary>The configured host names, or production's defaults when none are; null for any host.</summary>
    public static string[]? AllowedHosts(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration["AllowedHosts"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var hosts = configured.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return hosts.Contains("*") ? null : hosts;
        }

        return environment.IsProduction() ? DefaultProductionHosts : null;
    }
}
