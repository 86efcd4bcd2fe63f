using Microsoft.Extensions.Configuration;

namespace Commerce.ServiceDefaults.Discovery;

/// <summary>
/// Resolves a service's base address from the configuration contract Aspire uses:
/// <c>services:{name}:https:0</c>, else <c>services:{name}:http:0</c>.
/// </summary>
public sealed class ServiceEndpointResolver(IConfiguration configuration)
{
    public Uri Resolve(string serviceName)
    {
        if (TryResolve(serviceName, out var address))
        {
            return address;
        }

        throw new InvalidOperationException(
            $"No address is configured for service '{serviceName}'. Set configuration key 'services:{serviceName}:http:0' " +
            $"(environment variable 'services__{serviceName}__http__0') or 'services:{serviceName}:https:0' to its base address, " +
            "for example http://127.0.0.1:5101.");
    }

    public bool TryResolve(string serviceName, out Uri address)
    {
        foreach (var scheme in (string[])["https", "http"])
        {
            var key = $"services:{serviceName}:{scheme}:0";
            var value = configuration[key];
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            if (!Uri.TryCreate(value.EndsWith('/') ? value : value + "/", UriKind.Absolute, out var parsed)
                || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
            {
                throw new InvalidOperationException(
                    $"Configuration key '{key}' holds '{value}', which is not an absolute http or https address.");
            }

            address = parsed;
            return true;
        }

        address = null!;
        return false;
    }
}
