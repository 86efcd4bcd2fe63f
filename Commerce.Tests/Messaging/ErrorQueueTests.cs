using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Commerce.Tests.Infrastructure;

namespace Commerce.Tests.Messaging;

public sealed class ErrorQueueTests(MessagingFixture fixture) : IClassFixture<MessagingFixture>
{
    private const string Queue = "tests-price-changed-projection";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_failing_message_is_parked_after_its_retries_the_rest_flow_and_a_replay_applies_it_once_fixed()
    {
        var app = fixture.App;
        app.Faults().FailFor(601);
        var poison = await app.ChangePriceAsync(601, 6m);
        var fine = new[] { await app.ChangePriceAsync(602, 1m), await app.ChangePriceAsync(603, 1m), await app.ChangePriceAsync(602, 2m) };

        await OutboxTests.WaitForAsync(async () => (await app.AppliedAsync(nameof(PriceChangedProjection))).Count(a => a.AggregateId is "product:602" or "product:603") == 3);
        await OutboxTests.WaitForAsync(async () => await MessagesInAsync(Queue + "_error") == 1, Timeout);

        Assert.Equal(3, app.Faults().Attempts(601)); // the first try and two retries (Messaging:RetryLimit)
        Assert.DoesNotContain(await app.AppliedAsync(nameof(PriceChangedProjection)), a => a.EventId == poison.Event.EventId);
        Assert.All(fine, f => Assert.Contains(app.Deliveries().All, d => d.MessageId == f.Event.EventId));

        app.Faults().Fix(601);
        using var client = AdminClient(TestTokens.Admin());
        var response = await client.PostAsync($"api/admin/messaging/{Queue}/replay", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, body.GetProperty("replayed").GetInt32());
        Assert.Equal(Queue, body.GetProperty("queue").GetString());

        await OutboxTests.WaitForAsync(async () => (await app.AppliedAsync(nameof(PriceChangedProjection))).Any(a => a.EventId == poison.Event.EventId));
        await Task.Delay(300);
        Assert.Single(await app.AppliedAsync(nameof(PriceChangedProjection)), a => a.EventId == poison.Event.EventId);
        Assert.Equal(0, await MessagesInAsync(Queue + "_error"));
        Assert.Equal(4, app.Faults().Attempts(601));
    }

    [Fact]
    public async Task The_replay_endpoint_is_for_admins_and_refuses_what_it_cannot_do()
    {
        using (var anonymous = AdminClient(null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync($"api/admin/messaging/{Queue}/replay", null)).StatusCode);
        }

        using (var buyer = AdminClient(TestTokens.For("buyer-1")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await buyer.PostAsync($"api/admin/messaging/{Queue}/replay", null)).StatusCode);
        }

        using var admin = AdminClient(TestTokens.Admin());
        await AssertProblemAsync(admin, "api/admin/messaging/no-such-queue/replay", HttpStatusCode.NotFound, "no-such-queue_error");
        await AssertProblemAsync(admin, $"api/admin/messaging/{Queue}_error/replay", HttpStatusCode.BadRequest, "not its _error queue");
        await AssertProblemAsync(admin, "api/admin/messaging/bad%20name/replay", HttpStatusCode.BadRequest, "is not a queue name");
        await AssertProblemAsync(admin, $"api/admin/messaging/{Queue}/replay?max=0", HttpStatusCode.BadRequest, "max must be at least 1");
    }

    [Fact]
    public async Task Queues_are_kebab_case_and_prefixed_with_the_service()
    {
        var queues = await fixture.Servers.RabbitMq.CtlAsync(["list_queues", "-p", fixture.VirtualHost, "name", "--no-table-headers", "--quiet"]);
        var names = queues.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("tests-price-changed-projection", names);
        Assert.Contains("tests-price-changed-deliveries", names);
        Assert.Contains("tests-product-changed-projection", names);
    }

    private async Task<int> MessagesInAsync(string queue)
    {
        var list = await fixture.Servers.RabbitMq.CtlAsync(["list_queues", "-p", fixture.VirtualHost, "name", "messages", "--no-table-headers", "--quiet"]);
        foreach (var line in list.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split('\t', ' ').Where(p => p.Length > 0).ToArray();
            if (parts.Length == 2 && parts[0] == queue)
            {
                return int.Parse(parts[1]);
            }
        }

        return -1;
    }

    private HttpClient AdminClient(string? token)
    {
        var client = fixture.App.CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    private static async Task AssertProblemAsync(HttpClient client, string path, HttpStatusCode status, string detailContains)
    {
        var response = await client.PostAsync(path, null);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(detailContains, problem.GetProperty("detail").GetString());
    }
}
