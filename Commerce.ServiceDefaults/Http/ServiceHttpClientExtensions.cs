using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Commerce.ServiceDefaults.Http;

public static class ServiceHttpClientExtensions
{
    /// <summary>Tuning of the standard resilience handler, bound as <see cref="HttpStandardResilienceOptions"/>.</summary>
    public const string ResilienceSectionName = "HttpResilience";

    /// <summary>
    /// A typed HttpClient for the service <paramref name="serviceName"/>, found by service discovery
    /// (<c>services:{name}:https:0</c>, else <c>services:{name}:http:0</c>), with the resilience
    /// settings of <c>HttpResilience:Clients:{name}</c> on top of the shared ones. A missing
    /// address stops the process at start-up naming the key to set, not at the first call.
    /// </summary>
    public static IHttpClientBuilder AddServiceHttpClient<TClient>(this IServiceCollection services, string serviceName)
        where TClient : class
    {
        RequireAddress(services, serviceName);
        return services.AddHttpClient<TClient>(serviceName, client => client.BaseAddress = new Uri($"https+http://{serviceName}"))
            .AddClientResilience();
    }

    /// <summary>
    /// Replaces the shared resilience handler of this client with one of its own: its own circuit
    /// breakers, the project's defaults, then <paramref name="clientDefaults"/>, then configuration
    /// (<c>HttpResilience:*</c>, and <c>HttpResilience:Clients:{client name}:*</c> last).
    /// </summary>
    public static IHttpClientBuilder AddClientResilience(this IHttpClientBuilder http, Action<HttpStandardResilienceOptions>? clientDefaults = null)
    {
#pragma warning disable EXTEXP0001 // The documented way to give one client other options than the defaults.
        http.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        http.AddStandardResilienceHandler()
            .Configure((options, sp) => Configure(options, sp.GetRequiredService<IConfiguration>(), http.Name, clientDefaults))
            .SelectPipelineByAuthority();
        return http;
    }

    /// <summary>The resilience every HttpClient gets; see <see cref="Configure"/>.</summary>
    internal static IHttpClientBuilder AddProjectResilience(this IHttpClientBuilder http, IConfiguration configuration)
    {
        // Outermost, so that it also sees what a client's own resilience handler throws.
        http.AddHttpMessageHandler(() => new ResilienceFailureHandler());
        http.AddStandardResilienceHandler()
            .Configure(options => Configure(options, configuration, null, null))
            .SelectPipelineByAuthority();
        return http;
    }

    /// <summary>
    /// The project's choices over the library's defaults: a call may take 20 s in all and 5 s per
    /// attempt; up to 3 retries from 200 ms, doubling with jitter, and only for methods that are
    /// safe to repeat (never POST or PATCH: a checkout must not be submitted twice); a breaker per
    /// authority that opens when half of at least 10 calls in 30 s failed, for 5 s.
    /// </summary>
    private static void Configure(HttpStandardResilienceOptions options, IConfiguration configuration, string? clientName,
        Action<HttpStandardResilienceOptions>? clientDefaults)
    {
        options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(20);
        options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(5);
        options.Retry.MaxRetryAttempts = 3;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.CircuitBreaker.FailureRatio = 0.5;
        options.CircuitBreaker.MinimumThroughput = 10;
        options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(30);
        options.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(5);

        var section = configuration.GetSection(ResilienceSectionName);
        section.Bind(options);
        clientDefaults?.Invoke(options);
        if (!string.IsNullOrEmpty(clientName))
        {
            section.GetSection("Clients").GetSection(clientName).Bind(options);
        }

#pragma warning disable EXTEXP0001 // Retrying only what is safe to repeat is the point of the option.
        options.Retry.DisableFor(HttpMethod.Post, HttpMethod.Patch, HttpMethod.Connect);
#pragma warning restore EXTEXP0001
    }

    private static void RequireAddress(IServiceCollection services, string serviceName)
    {
        services.Configure<RequiredServiceAddresses>(o => o.Names.Add(serviceName));
        if (!services.Any(d => d.ImplementationType == typeof(ServiceAddressCheck)))
        {
            services.AddHostedService<ServiceAddressCheck>();
        }
    }

    private sealed class RequiredServiceAddresses
    {
        public HashSet<string> Names { get; } = new(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Service discovery would otherwise fall back to the service's name as a host and fail only
    /// at the first call; a forgotten address is a deployment mistake better caught at start-up.
    /// </summary>
    private sealed class ServiceAddressCheck(IConfiguration configuration, IOptions<RequiredServiceAddresses> required) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            foreach (var name in required.Value.Names)
            {
                if (!configuration.GetSection($"services:{name}:https").Exists() && !configuration.GetSection($"services:{name}:http").Exists())
                {
                    throw new InvalidOperationException(
                        $"No address is configured for service '{name}'. Set configuration key 'services:{name}:http:0' " +
                        $"(environment variable 'services__{name}__http__0') or 'services:{name}:https:0' to its base address, " +
                        "for example http://127.0.0.1:5101.");
                }
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>
/// Turns the resilience handler's refusals into <see cref="HttpRequestException"/>, so callers
/// handle one failure type for "the other side did not answer".
/// </summary>
internal sealed class ResilienceFailureHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        catch (BrokenCircuitException ex)
        {
            throw new HttpRequestException(
                $"The circuit to {request.RequestUri?.GetLeftPart(UriPartial.Authority)} is open after repeated failures; calls are refused until it closes.", ex);
        }
        catch (TimeoutRejectedException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HttpRequestException($"{request.Method} {request.RequestUri} timed out after {ex.Timeout.TotalSeconds:0.###} s.", ex);
        }
    }
}
