using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Commerce.ServiceDefaults.Resilience;

/// <summary>
/// One pipeline per client name and authority, kept for the life of the process: the factory
/// recycles message handlers every few minutes, and a circuit breaker must outlive them.
/// </summary>
public sealed class HttpResiliencePipelines(IOptionsMonitor<HttpResilienceOptions> options)
{
    private readonly IOptionsMonitor<HttpResilienceOptions> _options = options;

    internal static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("commerce.request");

    private readonly ConcurrentDictionary<(string Client, string Authority), ResiliencePipeline<HttpResponseMessage>> _pipelines = new();

    public ResiliencePipeline<HttpResponseMessage> Get(string clientName, Uri? requestUri)
    {
        var authority = requestUri is { IsAbsoluteUri: true } ? requestUri.GetLeftPart(UriPartial.Authority) : string.Empty;
        return _pipelines.GetOrAdd((clientName, authority), static (key, self) => Build(self._options.Get(key.Client)), this);
    }

    private static ResiliencePipeline<HttpResponseMessage> Build(HttpResilienceOptions o)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddTimeout(new TimeoutStrategyOptions { Timeout = o.TotalTimeout });
        if (o.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = o.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = o.RetryBaseDelay,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Context.Properties.TryGetValue(RequestKey, out var request)
                    && IsIdempotent(request.Method)
                    && IsTransient(args.Outcome)),
            });
        }

        return builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = o.BreakerFailureRatio,
                MinimumThroughput = Math.Max(2, o.BreakerMinimumThroughput),
                SamplingDuration = o.BreakerSamplingDuration,
                BreakDuration = o.BreakerDuration,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
            })
            .AddTimeout(new TimeoutStrategyOptions { Timeout = o.AttemptTimeout })
            .Build();
    }

    internal static bool IsIdempotent(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options
        || method == HttpMethod.Put || method == HttpMethod.Delete || method == HttpMethod.Trace;

    internal static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Exception: OperationCanceledException } => false,
        { Result: { } response } => (int)response.StatusCode >= 500
            || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests,
        _ => false,
    };
}
