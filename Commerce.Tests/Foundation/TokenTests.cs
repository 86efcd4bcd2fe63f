using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Commerce.ServiceAuth;
using Commerce.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace Commerce.Tests.Foundation;

public sealed class TokenTests : IAsyncLifetime
{
    private KestrelApp _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await KestrelApp.StartAsync(
            b =>
            {
                b.AddServiceDefaults();
                b.AddServiceAuthentication();
            },
            a =>
            {
                a.UseServiceDefaults();
                a.UseAuthentication();
                a.UseAuthorization();
                a.MapGet("/me", (HttpContext ctx) => ctx.User.FindFirst("sub")!.Value).RequireAuthorization();
                a.MapGet("/admin", () => "admin only").RequireAuthorization(ServiceAuthOptions.AdminPolicy);
            },
            TestTokens.ServiceSettings());
        _client = _app.CreateClient();
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await _client.SendAsync(request);
    }

    [Fact]
    public async Task A_valid_token_passes_and_names_the_buyer()
    {
        var response = await GetAsync("me", TestTokens.For("buyer-1"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("buyer-1", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_admin_token_opens_admin_routes()
    {
        var response = await GetAsync("admin", TestTokens.Admin());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task No_token_is_401_problem_details()
    {
        var response = await GetAsync("me", null);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.True(problem.TryGetProperty("traceId", out _));
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_401()
    {
        var (otherKey, _) = RsaKeys.CreatePair();
        using var forger = new ServiceTokenIssuer(otherKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("me", forger.Issue("buyer-1"))).StatusCode);
    }

    [Fact]
    public async Task A_token_for_another_audience_is_401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("me", TestTokens.Issuer.Issue("buyer-1", audience: "someone-else"))).StatusCode);
    }

    [Fact]
    public async Task A_token_from_another_issuer_is_401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("me", TestTokens.Issuer.Issue("buyer-1", issuer: "evil"))).StatusCode);
    }

    [Fact]
    public async Task An_expired_token_is_401()
    {
        var token = TestTokens.Issuer.Issue("buyer-1", lifetime: TimeSpan.FromMinutes(5), issuedAt: DateTimeOffset.UtcNow.AddMinutes(-10));
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("me", token)).StatusCode);
    }

    [Fact]
    public async Task A_token_that_lives_longer_than_15_minutes_is_401()
    {
        var token = TestTokens.Issuer.Issue("buyer-1", lifetime: TimeSpan.FromHours(24));
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("me", token)).StatusCode);
    }

    [Fact]
    public async Task A_token_without_the_admin_role_is_403_on_admin_routes()
    {
        var response = await GetAsync("admin", TestTokens.For("buyer-1"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_service_without_a_public_key_refuses_to_start()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => KestrelApp.StartAsync(
            b => b.AddServiceAuthentication(), _ => { }));
        Assert.Contains("Auth:PublicKey", ex.Message);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }
}
