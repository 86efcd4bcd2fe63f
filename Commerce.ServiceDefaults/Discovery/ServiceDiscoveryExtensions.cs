using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Commerce.ServiceDefaults.Discovery;

public sealed class ServiceDiscoveryOptions
{
    /// <summary>The services this process calls; each must resolve when it starts.</summary>
    public HashSet<string> RequiredServices { get; } = new(StringComparer.OrdinalIgnoreCase);
}

public static class ServiceDiscoveryExtensions
{
    public static IServiceCollection AddServiceDiscovery(this IServiceCollection services)
    {
        services.TryAddSingleton<ServiceEndpointResolver>();
        services.AddOptions<ServiceDiscoveryOptions>();
        if (!services.Any(d => d.ImplementationType == typeof(ServiceEndpointValidation)))
        {
            services.AddHostedService<ServiceEndpointValidation>();
        }

        return services;
    }

    /// <summary>
    /// A typed HttpClient whose base address is the named service's address from configuration.
    /// A missing address stops the process at start-up with the key to set, not at the first call.
    /// </summary>
    public static IHttpClientBuilder AddServiceHttpClient<TClient>(this IServiceCollection services, string serviceName)
        where TClient : class
    {
        services.AddServiceDiscovery();
        services.Configure<ServiceDiscoveryOptions>(o => o.RequiredServices.Add(serviceName));
        return services.AddHttpClient<TClient>(serviceName, (sp, client) =>
            client.BaseAddress = sp.GetRequiredService<ServiceEndpointResolver>().Resolve(serviceName));
    }

    public static IHttpClientBuilder AddServiceHttpClient<TClient, TImplementation>(this IServiceCollection services, string serviceName)
        where TClient : class
        where TImplementation : class, TClient
    {
        services.AddServiceDiscovery();
        services.Configure<ServiceDiscoveryOptions>(o => o.RequiredServices.Add(serviceName));
        return services.AddHttpClient<TClient, TImplementation>(serviceName, (sp, client) =>
            client.BaseAddress = sp.GetRequiredService<ServiceEndpointResolver>().Resolve(serviceName));
    }
}

internal sealed class ServiceEndpointValidation(ServiceEndpointResolver resolver, IOptions<ServiceDiscoveryOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var service in options.Value.RequiredServices)
        {
            resolver.Resolve(service);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
