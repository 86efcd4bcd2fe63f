using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Commerce.Cart;
using Commerce.Ordering;
using Commerce.Tests.Catalog;
using Commerce.Tests.Infrastructure;
using Commerce.Web;

namespace Commerce.Tests.Web;

/// <summary>
/// The real shop for the storefront tests: Catalog, Cart, Ordering and Web started in-process
/// exactly as their Programs start them, on real Kestrel, each with its own database or Redis
/// key space. (Ordering's event-driven steps, stock reservation and payment, wait for the
/// messaging work: orders placed here stay Submitted until cancelled.)
/// </summary>
public sealed class ShopStack : IAsyncLifetime
{
    public KestrelApp Catalog { get; private set; } = null!;
    public KestrelApp Cart { get; private set; } = null!;
    public KestrelApp Ordering { get; private set; } = null!;
    public KestrelApp Web { get; private set; } = null!;
    public string IdentityDatabase { get; } = PostgresServer.UniqueDatabaseName("identity");
    public string AdminEmail { get; } = $"admin-{Guid.NewGuid():N}@shop.test";
    public string AdminPassword { get; } = $"Adm!n-{Guid.NewGuid():N}";
    public string IdentityConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var servers = await TestServers.GetAsync();
        Catalog = await CatalogService.StartAsync(
            servers.Postgres.ConnectionString(PostgresServer.UniqueDatabaseName("catalog")), servers.Redis.ConnectionString, $"catalog-{Guid.NewGuid():N}");

        var cart = TestTokens.ServiceSettings();
        cart["ConnectionStrings:cache"] = servers.Redis.ConnectionString;
        cart["Cart:KeyPrefix"] = $"cart-{Guid.NewGuid():N}:";
        cart["services:catalog:http:0"] = Catalog.BaseAddress.ToString();
        Cart = await KestrelApp.StartServiceAsync(CartApp.Build, cart, CartApp.InitializeAsync);

        var ordering = TestTokens.ServiceSettings();
        ordering["ConnectionStrings:orderingdb"] = servers.Postgres.ConnectionString(PostgresServer.UniqueDatabaseName("ordering"));
        ordering["services:cart:http:0"] = Cart.BaseAddress.ToString();
        ordering["services:catalog:http:0"] = Catalog.BaseAddress.ToString();
        ordering["Payments:SimulatedLatency"] = "00:00:00.010";
        Ordering = await KestrelApp.StartServiceAsync(OrderingApp.Build, ordering, OrderingApp.InitializeAsync);

        IdentityConnectionString = servers.Postgres.ConnectionString(IdentityDatabase);
        Web = await StartWebAsync(Catalog.BaseAddress, Cart.BaseAddress, Ordering.BaseAddress);
    }

    /// <summary>A storefront on this stack's identity database, with the given service addresses.</summary>
    public Task<KestrelApp> StartWebAsync(Uri catalog, Uri cart, Uri ordering) =>
        KestrelApp.StartServiceAsync(WebApp.Build, new Dictionary<string, string?>
        {
            ["ConnectionStrings:identitydb"] = IdentityConnectionString,
            ["Auth:SigningKey"] = TestTokens.SigningKeyPem,
            ["services:catalog:http:0"] = catalog.ToString(),
            ["services:cart:http:0"] = cart.ToString(),
            ["services:ordering:http:0"] = ordering.ToString(),
            ["Admin:Email"] = AdminEmail,
            ["Admin:Password"] = AdminPassword,
            // Fail fast against a closed port (the "service down" tests) instead of retrying for seconds.
            ["HttpResilience:MaxRetryAttempts"] = "1",
            ["HttpResilience:RetryBaseDelay"] = "00:00:00.050",
        }, WebApp.InitializeAsync);

    /// <summary>Ids of products Catalog has plenty of, so a test's add-to-cart never meets a sold-out page.</summary>
    public async Task<int[]> InStockProductIdsAsync(int count)
    {
        using var client = Catalog.CreateClient();
        var page = await client.GetFromJsonAsync<JsonElement>("api/catalog/products?sort=name&pageSize=100");
        return page.GetProperty("items").EnumerateArray()
            .Where(p => p.GetProperty("availableStock").GetInt32() >= 20)
            .Select(p => p.GetProperty("id").GetInt32())
            .Take(count)
            .ToArray();
    }

    /// <summary>A loopback address nothing listens on.</summary>
    public static Uri ClosedAddress() => new($"http://127.0.0.1:{OsProcess.FreePort()}/");

    /// <summary>A browser-like client: keeps cookies, does not follow redirects (tests look at them).</summary>
    public WebSession NewSession() => new(Web.BaseAddress);

    public async Task DisposeAsync()
    {
        foreach (var app in new[] { Web, Ordering, Cart, Catalog })
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
        }
    }
}

/// <summary>One visitor's cookie jar and the form posts a browser would make (antiforgery included).</summary>
public sealed partial class WebSession : IDisposable
{
    private readonly HttpClient _client;

    public WebSession(Uri baseAddress)
    {
        Cookies = new CookieContainer();
        _client = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public CookieContainer Cookies { get; }

    public Uri BaseAddress => _client.BaseAddress!;

    public async Task<(HttpStatusCode Status, string Html)> GetAsync(string path)
    {
        using var response = await _client.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public Task<HttpResponseMessage> GetResponseAsync(string path) => _client.GetAsync(path);

    /// <summary>Loads <paramref name="pagePath"/>, takes its antiforgery token, and posts the form fields to <paramref name="action"/>.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string pagePath, string action, IDictionary<string, string> fields)
    {
        var (_, html) = await GetAsync(pagePath);
        var token = AntiforgeryToken().Match(html);
        Assert.True(token.Success, $"{pagePath} has no antiforgery token");
        var form = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value) };
        return await _client.PostAsync(action, new FormUrlEncodedContent(form));
    }

    /// <summary>Posts a Blazor form (EditForm) the way the browser does: its handler name and its fields.</summary>
    public Task<HttpResponseMessage> PostBlazorFormAsync(string pagePath, string formName, IDictionary<string, string> fields) =>
        PostFormAsync(pagePath, pagePath, new Dictionary<string, string>(fields) { ["_handler"] = formName });

    public async Task RegisterAsync(string email, string password)
    {
        using var response = await PostBlazorFormAsync("/account/register", "register", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = password,
        });
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"register answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public Task<HttpResponseMessage> SignInAsync(string email, string password, string? returnUrl = null) =>
        PostBlazorFormAsync("/account/sign-in" + (returnUrl is null ? "" : "?returnUrl=" + Uri.EscapeDataString(returnUrl)), "sign-in",
            new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = password });

    public string? Cookie(string name) => Cookies.GetCookies(BaseAddress)[name]?.Value;

    public void Dispose() => _client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
