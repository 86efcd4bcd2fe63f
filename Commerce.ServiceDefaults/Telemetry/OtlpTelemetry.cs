using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Commerce.ServiceDefaults.Telemetry;

/// <summary>
/// Traces, metrics and logs over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. The
/// OpenTelemetry hosting and instrumentation packages do not restore here, so the providers are
/// built directly and listen to the sources .NET itself emits.
/// </summary>
public static class OtlpTelemetry
{
    public static readonly string[] ActivitySources =
    [
        "Microsoft.AspNetCore",
        "System.Net.Http",
        "Npgsql",
        "MassTransit",
        "Commerce",
    ];

    public static readonly string[] Meters =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "System.Net.Http",
        "System.Runtime",
        "Npgsql",
        "MassTransit",
        "Commerce",
    ];

    public static void AddOtlpTelemetry(this IHostApplicationBuilder builder)
    {
        var endpoint = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return;
        }

        var settings = new OtlpSettings(
            new Uri(endpoint.TrimEnd('/') + "/"),
            ParseProtocol(builder.Configuration["OTEL_EXPORTER_OTLP_PROTOCOL"]),
            builder.Configuration["OTEL_EXPORTER_OTLP_HEADERS"]);
        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : builder.Environment.ApplicationName;
        var resource = ResourceBuilder.CreateDefault().AddService(serviceName).AddEnvironmentVariableDetector();

        builder.Services.AddSingleton(_ => Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(ActivitySources)
            .AddProcessor(new HealthProbeFilter())
            .AddOtlpExporter(o => settings.Apply(o, "v1/traces"))
            .Build());
        builder.Services.AddSingleton(_ => Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(Meters)
            .AddOtlpExporter(o => settings.Apply(o, "v1/metrics"))
            .Build());
        builder.Services.AddHostedService<TelemetryStarter>();

        builder.Logging.AddOpenTelemetry(o =>
        {
            o.SetResourceBuilder(resource);
            o.IncludeFormattedMessage = true;
            o.IncludeScopes = true;
            o.AddOtlpExporter(e => settings.Apply(e, "v1/logs"));
        });
    }

    private static OtlpExportProtocol ParseProtocol(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
        null or "" or "grpc" => OtlpExportProtocol.Grpc,
        _ => throw new InvalidOperationException(
            $"OTEL_EXPORTER_OTLP_PROTOCOL is '{value}'; use 'grpc' or 'http/protobuf'."),
    };

    private sealed record OtlpSettings(Uri Endpoint, OtlpExportProtocol Protocol, string? Headers)
    {
        // Set in code, the HTTP endpoint is used as given, so the signal's path is added here, as
        // the exporter itself does for the environment variable.
        public void Apply(OtlpExporterOptions options, string signalPath)
        {
            options.Protocol = Protocol;
            options.Endpoint = Protocol == OtlpExportProtocol.HttpProtobuf ? new Uri(Endpoint, signalPath) : Endpoint;
            if (!string.IsNullOrWhiteSpace(Headers))
            {
                options.Headers = Headers;
            }
        }
    }

    /// <summary>Resolving the providers starts their listeners before the first request.</summary>
    private sealed class TelemetryStarter(TracerProvider tracer, MeterProvider meter) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            GC.KeepAlive(tracer);
            GC.KeepAlive(meter);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            tracer.ForceFlush(2000);
            meter.ForceFlush(2000);
            return Task.CompletedTask;
        }
    }
}

/// <summary>
/// Drops the spans of health probes, served or sent, which would otherwise drown the real traffic.
/// Unrecorded spans are skipped by the export processor that follows.
/// </summary>
internal sealed class HealthProbeFilter : BaseProcessor<Activity>
{
    public override void OnEnd(Activity activity)
    {
        var path = activity.Kind switch
        {
            ActivityKind.Server => activity.GetTagItem("url.path") as string,
            ActivityKind.Client => activity.GetTagItem("url.full") is string full && Uri.TryCreate(full, UriKind.Absolute, out var uri) ? uri.AbsolutePath : null,
            _ => null,
        };
        if (path is not null && IsProbe(path))
        {
            activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        }
    }

    private static bool IsProbe(string path) =>
        path.Equals(Extensions.HealthEndpointPath, StringComparison.OrdinalIgnoreCase)
        || path.Equals(Extensions.AlivenessEndpointPath, StringComparison.OrdinalIgnoreCase);
}
