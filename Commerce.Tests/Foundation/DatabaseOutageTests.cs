using System.Net;
using System.Text.Json;
using Commerce.Data;
using Commerce.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;

namespace Commerce.Tests.Foundation;

public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task A_request_while_postgres_is_down_gets_503_with_retry_after_not_500()
    {
        var postgres = await PostgresServer.StartAsync();
        await using var app = await KestrelApp.StartAsync(
            b =>
            {
                b.AddServiceDefaults();
                b.AddNpgsqlDbContext<WebApplicationBuilder, ReplicaDbContext>("replicadb");
            },
            a =>
            {
                a.UseServiceDefaults();
                a.MapGet("/marks", async (ReplicaDbContext db, CancellationToken ct) => TypedResults.Ok(await db.Marks.CountAsync(ct)));
            },
            new Dictionary<string, string?> { ["ConnectionStrings:replicadb"] = postgres.ConnectionString("postgres") + ";Timeout=3" });
        using var client = app.CreateClient();

        await postgres.DisposeAsync();

        var response = await client.GetAsync("marks");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Service briefly unavailable", problem.GetProperty("title").GetString());
        Assert.DoesNotContain("Npgsql", problem.ToString());
    }
}
