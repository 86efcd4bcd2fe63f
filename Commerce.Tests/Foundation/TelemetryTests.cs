using System.Collections.Concurrent;
using System.Text;
using Commerce.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace Commerce.Tests.Foundation;

public sealed class TelemetryTests
{
    [Fact]
    public async Task A_request_produces_a_span_that_reaches_the_otlp_receiver_with_the_service_name()
    {
        var received = new ConcurrentQueue<byte[]>();
        await using var receiver = await KestrelApp.StartAsync(_ => { }, app =>
            app.MapPost("/v1/traces", async (HttpRequest request) =>
            {
                using var body = new MemoryStream();
                await request.Body.CopyToAsync(body);
                received.Enqueue(body.ToArray());
                return Results.Ok();
            }));

        var serviceName = $"commerce-telemetry-{Guid.NewGuid():N}"[..32];
        var app = await KestrelApp.StartAsync(
            b => b.AddServiceDefaults(),
            a =>
            {
                a.MapDefaultEndpoints();
                a.MapGet("/products/special", () => "ok");
            },
            new Dictionary<string, string?>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.BaseAddress.ToString(),
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_SERVICE_NAME"] = serviceName,
            });
        using (var client = app.CreateClient())
        {
            Assert.Equal("ok", await client.GetStringAsync("products/special"));
            await client.GetAsync("health");
            await client.GetAsync("alive");
        }

        // Stopping the app flushes the exporter.
        await app.DisposeAsync();

        var all = received.Select(b => Encoding.UTF8.GetString(b)).ToList();
        Assert.NotEmpty(all);
        var text = string.Join("\n", all);
        Assert.Contains(serviceName, text);
        Assert.Contains("/products/special", text);
        Assert.DoesNotContain("/health", text);
        Assert.DoesNotContain("/alive", text);
    }
}
