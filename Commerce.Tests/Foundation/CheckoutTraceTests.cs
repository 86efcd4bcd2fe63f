using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Commerce.Tests.Infrastructure;
using Commerce.Tests.Web;

namespace Commerce.Tests.Foundation;

/// <summary>
/// One checkout is one trace: the storefront's call to Ordering's API, the event over RabbitMQ to
/// Catalog's stock reservation and back to Ordering's payment, each span under its own service's
/// name and linked to its parent, all under the storefront's POST /checkout. Each service runs as its
/// own process, as deployed: in one process every tracer would see every service's spans. The
/// shopper's client sends no trace context, as a browser: the test process hosts other tests'
/// in-process services whose tracers (not exporting, so never sampling) would otherwise stamp an
/// unsampled traceparent on its requests, and the storefront would follow it and record nothing.
/// </summary>
public sealed partial class CheckoutTraceTests : IAsyncLifetime
{
    private readonly List<ServiceProcess> _services = [];
    private OtlpReceiver _receiver = null!;
    private ServiceProcess _catalog = null!;
    private ServiceProcess _web = null!;

    public async Task InitializeAsync()
    {
        _receiver = await OtlpReceiver.StartAsync();
        var servers = await TestServers.GetAsync();
        var scope = Guid.NewGuid().ToString("N");
        var messaging = await servers.RabbitMq.CreateVirtualHostAsync($"trace-{scope}");

        var catalog = TestTokens.ServiceSettings();
        catalog["ConnectionStrings:catalogdb"] = servers.Postgres.ConnectionString(PostgresServer.UniqueDatabaseName("tracecatalog"));
        catalog["ConnectionStrings:cache"] = servers.Redis.ConnectionString;
        catalog["ConnectionStrings:messaging"] = messaging;
        catalog["Catalog:CacheKeyPrefix"] = $"trace-{scope}:catalog";
        _catalog = await StartAsync("Commerce.Catalog", "catalog", catalog);

        var cart = TestTokens.ServiceSettings();
        cart["ConnectionStrings:cache"] = servers.Redis.ConnectionString;
        cart["ConnectionStrings:messaging"] = messaging;
        cart["services:catalog:http:0"] = _catalog.BaseAddress.ToString();
        cart["Cart:KeyPrefix"] = $"trace-{scope}:cart:";
        var cartService = await StartAsync("Commerce.Cart", "cart", cart);

        // As deployed, Ordering starts once the consumers' queues are bound.
        await WaitForBusAsync(_catalog);
        await WaitForBusAsync(cartService);
        var ordering = TestTokens.ServiceSettings();
        ordering["ConnectionStrings:orderingdb"] = servers.Postgres.ConnectionString(PostgresServer.UniqueDatabaseName("traceordering"));
        ordering["ConnectionStrings:messaging"] = messaging;
        ordering["services:catalog:http:0"] = _catalog.BaseAddress.ToString();
        ordering["services:cart:http:0"] = cartService.BaseAddress.ToString();
        var orderingService = await StartAsync("Commerce.Ordering", "ordering", ordering);

        _web = await StartAsync("Commerce.Web", "web", new Dictionary<string, string?>
        {
            ["ConnectionStrings:identitydb"] = servers.Postgres.ConnectionString(PostgresServer.UniqueDatabaseName("traceidentity")),
            ["Auth:SigningKey"] = TestTokens.SigningKeyPem,
            ["services:catalog:http:0"] = _catalog.BaseAddress.ToString(),
            ["services:cart:http:0"] = cartService.BaseAddress.ToString(),
            ["services:ordering:http:0"] = orderingService.BaseAddress.ToString(),
            // A first checkout on two shared cores can take longer than production's 5 s per attempt.
            ["HttpResilience:AttemptTimeout:Timeout"] = "00:01:00",
            ["HttpResilience:TotalRequestTimeout:Timeout"] = "00:01:30",
            ["HttpResilience:CircuitBreaker:SamplingDuration"] = "00:02:00",
        });
    }

    private async Task<ServiceProcess> StartAsync(string assembly, string serviceName, IDictionary<string, string?> settings)
    {
        var service = await ServiceProcess.StartAsync(assembly, settings, new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = _receiver.Endpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = serviceName,
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            // The exporter drops a batch whose export outlasts its timeout (10 s by default); beside
            // the rest of the suite on two cores the receiver can answer later than that.
            ["OTEL_EXPORTER_OTLP_TIMEOUT"] = "60000",
            ["OTEL_BSP_EXPORT_TIMEOUT"] = "60000",
        });
        _services.Add(service);
        return service;
    }

    private static async Task WaitForBusAsync(ServiceProcess service)
    {
        using var client = service.CreateClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string last;
        do
        {
            using var response = await client.GetAsync("health");
            last = await response.Content.ReadAsStringAsync();
            if (JsonDocument.Parse(last).RootElement.GetProperty("checks").TryGetProperty("messaging", out var bus)
                && bus.GetProperty("status").GetString() == "Healthy")
            {
                return;
            }

            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"{service.BaseAddress} did not connect its bus: {last}; see {service.Log}");
    }

    [Fact]
    public async Task The_spans_of_one_checkout_form_one_trace_across_the_services()
    {
        using var session = new WebSession(_web.BaseAddress);
        await session.RegisterAsync($"buyer-{Guid.NewGuid():N}@shop.test", "a long enough password");
        using (var catalog = _catalog.CreateClient())
        {
            var page = await catalog.GetFromJsonAsync<JsonElement>("api/catalog/products?sort=name&pageSize=20");
            var productId = page.GetProperty("items").EnumerateArray().First(p => p.GetProperty("availableStock").GetInt32() >= 5).GetProperty("id").GetInt32();
            using var add = await session.PostFormAsync($"/products/{productId}", $"/cart/add/{productId}", new Dictionary<string, string> { ["quantity"] = "1" });
            Assert.Equal(HttpStatusCode.Redirect, add.StatusCode);
        }

        var (_, checkout) = await session.GetAsync("/checkout");
        using var placed = await session.PostBlazorFormAsync("/checkout", "checkout",
            CheckoutPageTests.Form(IdempotencyKey().Match(checkout).Groups[1].Value));
        Assert.True(placed.StatusCode == HttpStatusCode.Redirect, $"checkout answered {(int)placed.StatusCode}");
        var orderPath = placed.Headers.Location!.OriginalString.Split('?')[0];
        await WaitForPaidAsync(session, orderPath);

        // A clean stop flushes what each exporter still holds.
        foreach (var service in Enumerable.Reverse(_services))
        {
            await service.DisposeAsync();
        }

        _services.Clear();
        var spans = _receiver.Spans;
        string All() => string.Join("\n", spans.Where(s => s.Kind != ReceivedSpan.Client || s.Service == "web").Take(80));
        var orderApi = spans.SingleOrDefault(s => s is { Service: "ordering", Kind: ReceivedSpan.Server } && s.Name.StartsWith("POST /api/orders", StringComparison.Ordinal));
        Assert.True(orderApi is not null, $"no single Ordering span for POST /api/orders among {spans.Count} spans:\n{All()}");
        var trace = spans.Where(s => s.TraceId == orderApi.TraceId).ToList();
        var byId = trace.ToDictionary(s => s.SpanId);
        string Describe() => string.Join("\n", trace);

        // The storefront's call to Ordering starts the order's part of the trace.
        Assert.True(byId.TryGetValue(orderApi.ParentSpanId, out var post) && post is { Service: "web", Kind: ReceivedSpan.Client },
            $"Ordering's POST /api/orders is not a child of the storefront's call:\n{Describe()}");

        // That call is made while the checkout page handles its form post, and the trace starts there.
        Assert.True(byId.TryGetValue(post.ParentSpanId, out var form) && form is { Service: "web", Kind: ReceivedSpan.Server } && form.Name.StartsWith("POST /checkout", StringComparison.Ordinal),
            $"the storefront's call to Ordering does not hang from its POST /checkout:\n{Describe()}");
        Assert.True(form.ParentSpanId.Length == 0, $"{form} is not the root of the checkout's trace:\n{Describe()}");

        // Every span of the trace (the page's own reads of the cart included) hangs from that POST
        // through spans that were all received.
        foreach (var span in trace.Where(s => s != form))
        {
            Assert.True(Ancestors(span, byId).Contains(form), $"{span} is not linked to the storefront's POST /checkout:\n{Describe()}");
        }

        // Ordering's OrderSubmitted reaches Catalog over RabbitMQ; Catalog reserves the stock.
        var reservation = trace.FirstOrDefault(s => s is { Service: "catalog", Kind: ReceivedSpan.Consumer } && s.Name.Contains("order-submitted", StringComparison.Ordinal));
        Assert.True(reservation is not null, $"no Catalog consumer span for OrderSubmitted in the trace:\n{Describe()}");
        var send = Ancestors(reservation, byId).FirstOrDefault(s => s is { Service: "ordering", Kind: ReceivedSpan.Producer } && s.Attributes.GetValueOrDefault("messaging.system") == "rabbitmq");
        Assert.True(send is not null, $"Catalog's consumer does not hang from Ordering's RabbitMQ send:\n{Describe()}");

        // The send happens after commit, in the outbox relay, which carries the checkout's context.
        Assert.Contains(Ancestors(send, byId), s => s is { Service: "ordering" } && s.Name.StartsWith("outbox relay", StringComparison.Ordinal));
        Assert.Contains(orderApi, Ancestors(send, byId));

        // Catalog's StockReserved comes back to Ordering, which takes the payment.
        var payment = trace.FirstOrDefault(s => s is { Service: "ordering", Kind: ReceivedSpan.Consumer } && s.Name.Contains("stock-reserved", StringComparison.Ordinal));
        Assert.True(payment is not null, $"no Ordering consumer span for StockReserved (the payment) in the trace:\n{Describe()}");
        Assert.Contains(reservation, Ancestors(payment, byId));
    }

    /// <summary>The chain of parents of <paramref name="span"/>, as far as the received spans go.</summary>
    private static List<ReceivedSpan> Ancestors(ReceivedSpan span, Dictionary<string, ReceivedSpan> byId)
    {
        var chain = new List<ReceivedSpan>();
        for (var current = span; current.ParentSpanId.Length > 0 && byId.TryGetValue(current.ParentSpanId, out var parent); current = parent)
        {
            chain.Add(parent);
        }

        return chain;
    }

    private static async Task WaitForPaidAsync(WebSession session, string orderPath)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await session.GetResponseAsync(orderPath + "/status");
            var status = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString();
            if (status == "Paid")
            {
                return;
            }

            Assert.True(status is not ("Cancelled" or "Shipped") && DateTime.UtcNow < deadline, $"order {orderPath} is {status}, not Paid");
            await Task.Delay(200);
        }
    }

    [GeneratedRegex("name=\"Input.IdempotencyKey\" value=\"([^\"]*)\"")]
    private static partial Regex IdempotencyKey();

    public async Task DisposeAsync()
    {
        foreach (var service in Enumerable.Reverse(_services))
        {
            await service.DisposeAsync();
        }

        await _receiver.DisposeAsync();
    }
}
