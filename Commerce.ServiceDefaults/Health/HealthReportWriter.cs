using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Commerce.ServiceDefaults.Health;

/// <summary>Writes a health report as JSON so operators see which dependency is failing.</summary>
public static class HealthReportWriter
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new HealthReportBody(
            report.Status.ToString(),
            report.TotalDuration.TotalMilliseconds,
            report.Entries.ToDictionary(
                e => e.Key,
                e => new HealthEntryBody(e.Value.Status.ToString(), e.Value.Description, e.Value.Duration.TotalMilliseconds,
                    e.Value.Exception?.Message, e.Value.Tags.ToArray())));
        return JsonSerializer.SerializeAsync(context.Response.Body, body, HealthJson.Default.HealthReportBody, context.RequestAborted);
    }
}

public sealed record HealthReportBody(string Status, double DurationMs, Dictionary<string, HealthEntryBody> Checks);

public sealed record HealthEntryBody(string Status, string? Description, double DurationMs, string? Error, string[] Tags);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(HealthReportBody))]
internal sealed partial class HealthJson : System.Text.Json.Serialization.JsonSerializerContext;
