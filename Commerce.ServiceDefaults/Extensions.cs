using Commerce.ServiceDefaults.Health;
using Commerce.ServiceDefaults.Http;
using Commerce.ServiceDefaults.Problems;
using Commerce.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

// The namespace Aspire's service-defaults template uses, so the calls look the same in every service.
namespace Microsoft.Extensions.Hosting;

public static class Extensions
{
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";
    public const string LiveTag = "live";

    /// <summary>The activity source and meter of the project's own spans and instruments (the outbox relay's, for one).</summary>
    public const string TelemetrySourceName = "Commerce";

    /// <summary>Quiet framework logs, telemetry, health checks, service discovery, HTTP resilience and ProblemDetails.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddFrameworkLogLevels();
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddProjectResilience(builder.Configuration);
            http.AddServiceDiscovery();
        });
        builder.Services.AddCommerceProblemDetails();
        builder.HideServerHeader();

        // The APIs take small JSON bodies; anything larger is refused with 413 before it is read.
        var maxBody = builder.Configuration.GetValue<long?>("Kestrel:Limits:MaxRequestBodySize") ?? 1024 * 1024;
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = maxBody);
        return builder;
    }

    /// <summary>
    /// Traces, metrics and logs of ASP.NET Core, HttpClient, the runtime, MassTransit and the
    /// project's own source; the client integrations add Npgsql's and Redis's. Exported over OTLP
    /// when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (protocol, headers and service name from the
    /// standard <c>OTEL_*</c> settings). Without it nobody collects spans, so none are sampled:
    /// at flash-sale rates building them costs CPU for nothing (docs/performance.md).
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var export = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var telemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("MassTransit", TelemetrySourceName))
            .WithTracing(tracing =>
            {
                tracing
                    .AddSource(builder.Environment.ApplicationName, "MassTransit", TelemetrySourceName)
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsProbe(context.Request.Path))
                    .AddHttpClientInstrumentation(o => o.FilterHttpRequestMessage = request =>
                        request.RequestUri is not { IsAbsoluteUri: true } uri || !IsProbe(uri.AbsolutePath));
                if (!export)
                {
                    tracing.SetSampler(new AlwaysOffSampler());
                }
            });

        if (export)
        {
            telemetry.UseOtlpExporter();
            // The exporter retries on its own, and sends its last batch while the host is being
            // disposed, when a resilience pipeline can no longer be built: its clients go without.
#pragma warning disable EXTEXP0001
            foreach (var client in (string[])["OtlpTraceExporter", "OtlpMetricExporter", "OtlpLogExporter"])
            {
                builder.Services.AddHttpClient(client).RemoveAllResilienceHandlers();
            }
#pragma warning restore EXTEXP0001
        }

        return builder;
    }

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments(HealthEndpointPath) || path.StartsWithSegments(AlivenessEndpointPath);

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary>
    /// The API's OpenAPI document (<c>/openapi/v1.json</c>) in Development only: a description of
    /// every route helps a developer and an attacker alike. True when it was mapped.
    /// </summary>
    public static bool MapOpenApiInDevelopment(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            return false;
        }

        app.MapOpenApi();
        return true;
    }

    /// <summary>
    /// <c>/health</c> runs every check (readiness, dependencies included); <c>/alive</c> only the
    /// process's own. Mapped in every environment: the orchestrators probe them in production.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath, new HealthCheckOptions
        {
            ResponseWriter = HealthReportWriter.WriteAsync,
        }).DisableHttpMetrics();

        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(LiveTag),
            ResponseWriter = HealthReportWriter.WriteAsync,
        }).DisableHttpMetrics();

        return app;
    }

    /// <summary>Exception handling and status-code pages that answer in ProblemDetails; control characters or repeated parameters in the path or query refused with a 400.</summary>
    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestTargetGuard();
        return app;
    }
}
