using System.Net;
using System.Text;
using System.Text.Json;
using Commerce.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace Commerce.Tests.Foundation;

public sealed class ProblemDetailsTests : IAsyncLifetime
{
    private KestrelApp _app = null!;
    private HttpClient _client = null!;

    public sealed record Item(string Name, int Quantity);

    public async Task InitializeAsync()
    {
        _app = await KestrelApp.StartAsync(
            b => b.AddServiceDefaults(),
            a =>
            {
                a.UseServiceDefaults();
                a.MapPost("/items", (Item item) => TypedResults.Ok(item));
                a.MapGet("/items/{id:int}", (int id) => TypedResults.Ok(id));
                a.MapGet("/page", (int page) => TypedResults.Ok(page));
                a.MapGet("/boom", string () => throw new InvalidOperationException("secret internals"));
            });
        _client = _app.CreateClient();
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
        return problem;
    }

    [Fact]
    public async Task Malformed_json_is_a_400_that_says_so()
    {
        var response = await _client.PostAsync("items", new StringContent("{ \"name\": ", Encoding.UTF8, "application/json"));
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("JSON", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_non_numeric_query_value_is_a_400_naming_the_parameter()
    {
        var problem = await ProblemAsync(await _client.GetAsync("page?page=abc"), HttpStatusCode.BadRequest);
        Assert.Contains("page", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem()
    {
        await ProblemAsync(await _client.GetAsync("nothing-here"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_unexpected_exception_is_a_500_problem_without_internals()
    {
        var response = await _client.GetAsync("boom");
        var problem = await ProblemAsync(response, HttpStatusCode.InternalServerError);
        Assert.DoesNotContain("secret internals", problem.ToString());
    }

    [Fact]
    public async Task A_huge_body_is_refused_with_413()
    {
        var huge = new string('x', 2 * 1024 * 1024);
        var response = await _client.PostAsync("items", new StringContent($"{{\"name\":\"{huge}\",\"quantity\":1}}", Encoding.UTF8, "application/json"));
        await ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }
}
