using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Commerce.Web.Buyers;

namespace Commerce.Web.Services;

/// <summary>
/// What the typed clients share: a token per call for the shopper, and one way of turning the
/// other side's failures into <see cref="ServiceUnavailableException"/> or
/// <see cref="ServiceRejectedException"/> (with the ProblemDetails text the service wrote).
/// </summary>
public abstract partial class ServiceClient(HttpClient http, ServiceTokens tokens, string service, ILogger logger)
{
    protected static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected HttpClient Http => http;

    protected ServiceTokens Tokens => tokens;

    protected HttpRequestMessage Request(HttpMethod method, string path, Shopper? shopper = null, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (shopper is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.For(shopper));
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        return request;
    }

    protected async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw Unavailable(request, $"The {service} service did not answer: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unavailable(request, $"The {service} service did not answer in time.", ex);
        }

        if ((int)response.StatusCode >= 500)
        {
            var problem = await ReadProblemAsync(response, cancellationToken);
            response.Dispose();
            throw Unavailable(request, $"The {service} service failed ({(int)response.StatusCode}): {problem.Message}");
        }

        return response;
    }

    /// <summary>The shopper sees a friendly page; the operator gets the reason in the log.</summary>
    private ServiceUnavailableException Unavailable(HttpRequestMessage request, string reason, Exception? inner = null) =>
        Unavailable(request.Method, request.RequestUri is { IsAbsoluteUri: true } uri ? uri.GetLeftPart(UriPartial.Path) : request.RequestUri?.OriginalString.Split('?')[0], reason, inner);

    protected ServiceUnavailableException Unavailable(HttpMethod method, string? path, string reason, Exception? inner = null)
    {
        LogUnavailable(logger, service, method.Method, path, reason);
        return new ServiceUnavailableException(service, reason, inner);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Service} service is unavailable for {Method} {Path}: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string service, string method, string? path, string reason);

    /// <summary>Sends and reads a JSON body; 404 gives default, other 4xx throw with the service's reason.</summary>
    protected async Task<T?> SendForAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken, bool notFoundIsNull = true)
    {
        using var response = await SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound && notFoundIsNull)
        {
            return default;
        }

        await EnsureAcceptedAsync(response, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NoContent || response.Content.Headers.ContentLength == 0)
        {
            return default;
        }

        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken);
        }
        catch (JsonException ex)
        {
            throw Unavailable(request, $"The {service} service answered in an unexpected shape: {ex.Message}", ex);
        }
    }

    protected async Task EnsureAcceptedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var problem = await ReadProblemAsync(response, cancellationToken);
        throw new ServiceRejectedException(service, (int)response.StatusCode, problem.Message, problem.Errors);
    }

    private static async Task<(string Message, Dictionary<string, string[]> Errors)> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(text) ? "{}" : text);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("errors", out var errs) && errs.ValueKind == JsonValueKind.Object)
                {
                    foreach (var field in errs.EnumerateObject())
                    {
                        errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                            ? field.Value.EnumerateArray().Select(e => e.ToString()).ToArray()
                            : [field.Value.ToString()];
                    }
                }

                var detail = root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
                var title = root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                var message = detail ?? (errors.Count > 0 ? string.Join(" ", errors.Values.SelectMany(v => v)) : title);
                if (!string.IsNullOrWhiteSpace(message))
                {
                    return (message, errors);
                }
            }
        }
        catch (JsonException)
        {
            // Not ProblemDetails: fall back to the status below.
        }

        return ($"{(int)response.StatusCode} {response.ReasonPhrase}", errors);
    }
}
