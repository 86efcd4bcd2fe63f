using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Commerce.Data;

internal static class IntegrationHealthChecks
{
    /// <summary>
    /// Gives the health check an Aspire client integration registered as <paramref name="registeredName"/>
    /// the service's own name, failure status, tags and timeout: a cache that is only an optimisation
    /// reports Degraded, not Unhealthy, and operators keep the check names they know.
    /// </summary>
    public static void ConfigureHealthCheck(this IServiceCollection services, string registeredName, string name,
        HealthStatus failureStatus, string[] tags, TimeSpan timeout) =>
        services.Configure<HealthCheckServiceOptions>(options =>
        {
            foreach (var registration in options.Registrations.Where(r => r.Name == registeredName))
            {
                registration.Name = name;
                registration.FailureStatus = failureStatus;
                registration.Timeout = timeout;
                foreach (var tag in tags)
                {
                    registration.Tags.Add(tag);
                }
            }
        });
}
