using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Commerce.ServiceDefaults.Resilience;

/// <summary>
/// Runs each request through the client's pipeline. Polly's own exceptions become
/// <see cref="HttpRequestException"/>, so callers handle one failure type for "the other side
/// did not answer".
/// </summary>
public sealed class ResilienceHandler(HttpResiliencePipelines pipelines, string clientName) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var pipeline = pipelines.Get(clientName, request.RequestUri);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(HttpResiliencePipelines.RequestKey, request);
        try
        {
            var outcome = await pipeline.ExecuteOutcomeAsync(
                static async (ctx, state) =>
                {
                    try
                    {
                        var response = await state.self.SendCoreAsync(state.request, ctx.CancellationToken).ConfigureAwait(ctx.ContinueOnCapturedContext);
                        return Outcome.FromResult(response);
                    }
                    catch (Exception ex)
                    {
                        return Outcome.FromException<HttpResponseMessage>(ex);
                    }
                },
                context,
                (self: this, request)).ConfigureAwait(false);

            return outcome.Exception switch
            {
                null => outcome.Result!,
                BrokenCircuitException broken => throw new HttpRequestException(
                    $"The circuit to {request.RequestUri?.GetLeftPart(UriPartial.Authority)} is open after repeated failures; calls are refused until it closes.", broken),
                TimeoutRejectedException timeout when !cancellationToken.IsCancellationRequested => throw new HttpRequestException(
                    $"{request.Method} {request.RequestUri} timed out after {timeout.Timeout.TotalSeconds:0.###} s.", timeout),
                _ => throw Rethrow(outcome.Exception),
            };
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);

    private static Exception Rethrow(Exception ex)
    {
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex).Throw();
        return ex;
    }
}
