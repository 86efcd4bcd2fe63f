using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace Commerce.ServiceDefaults.Resilience;

public static class HttpResilienceExtensions
{
    /// <summary>Adds the resilience handler to every HttpClient the factory makes.</summary>
    public static IServiceCollection AddHttpResilience(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(HttpResiliencePipelines)))
        {
            return services;
        }

        services.AddHttpClient();
        services.TryAddSingleton<HttpResiliencePipelines>();
        services.AddSingleton<IConfigureOptions<HttpResilienceOptions>>(
            new HttpResilienceConfiguration(configuration.GetSection(HttpResilienceOptions.SectionName)));
        services.ConfigureAll<HttpClientFactoryOptions>(o => o.HttpMessageHandlerBuilderActions.Add(builder =>
            builder.AdditionalHandlers.Insert(0, new ResilienceHandler(
                builder.Services.GetRequiredService<HttpResiliencePipelines>(),
                builder.Name ?? Options.DefaultName))));
        return services;
    }
}

/// <summary>Binds the shared section, then the client's own overrides on top.</summary>
file sealed class HttpResilienceConfiguration(IConfigurationSection section) : IConfigureNamedOptions<HttpResilienceOptions>
{
    public void Configure(HttpResilienceOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, HttpResilienceOptions options)
    {
        section.Bind(options);
        if (!string.IsNullOrEmpty(name))
        {
            section.GetSection("Clients").GetSection(name).Bind(options);
        }
    }
}
