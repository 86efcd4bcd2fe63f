using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Commerce.Tests.Ordering;
using Commerce.Tests.Infrastructure;
using Commerce.Web;

namespace Commerce.Tests.Web;

/// <summary>
/// The real shop for the storefront tests: Catalog, Cart and Ordering as <see cref="ShopServices"/>
/// runs them (in-process on real Kestrel, own databases, Redis key space and RabbitMQ virtual
/// host), and the storefront in front of them, started exactly as its Program starts it.
/// </summary>
public class ShopStack : IAsyncLifetime
{
    private ShopServices _services = null!;

    public ShopServices Services => _services;
    public KestrelApp Catalog => _services.Catalog;
    public KestrelApp Cart => _services.Cart;
    public KestrelApp Ordering => _services.Ordering;
    public KestrelApp Web { get; private set; } = null!;
    public string IdentityDatabase { get; } = PostgresServer.UniqueDatabaseName("identity");
    public string AdminEmail { get; } = $"admin-{Guid.NewGuid():N}@shop.test";
    public string AdminPassword { get; } = $"Adm!n-{Guid.NewGuid():N}";
    public string IdentityConnectionString { get; private set; } = "";

    /// <summary>The broker the services use; null for a new virtual host on the run's RabbitMQ.</summary>
    protected virtual string? Messaging => null;

    /// <summary>False when <see cref="Messaging"/> points at a broker that is down on purpose.</summary>
    protected virtual bool BrokerReachable => true;

    public async Task InitializeAsync()
    {
        var servers = await TestServers.GetAsync();
        _services = await ShopServices.StartAsync(Messaging, brokerReachable: BrokerReachable);
        IdentityConnectionString = servers.Postgres.ConnectionString(IdentityDatabase);
        Web = await StartWebAsync(Catalog.BaseAddress, Cart.BaseAddress, Ordering.BaseAddress);
    }

    /// <summary>Storefront settings a stack adds to the ones every test storefront gets (the keys below stay as they are).</summary>
    protected virtual IReadOnlyDictionary<string, string?> WebSettings => new Dictionary<string, string?>();

    /// <summary>A storefront on this stack's identity database, with the given service addresses.</summary>
    public Task<KestrelApp> StartWebAsync(Uri catalog, Uri cart, Uri ordering) =>
        KestrelApp.StartServiceAsync(WebApp.Build, new Dictionary<string, string?>(WebSettings)
        {
            ["ConnectionStrings:identitydb"] = IdentityConnectionString,
            ["Auth:SigningKey"] = TestTokens.SigningKeyPem,
            ["services:catalog:http:0"] = catalog.ToString(),
            ["services:cart:http:0"] = cart.ToString(),
            ["services:ordering:http:0"] = ordering.ToString(),
            ["Admin:Email"] = AdminEmail,
            ["Admin:Password"] = AdminPassword,
            // Fail fast against a closed port (the "service down" tests) instead of retrying for seconds.
            ["HttpResilience:Retry:MaxRetryAttempts"] = "1",
            ["HttpResilience:Retry:Delay"] = "00:00:00.050",
            // A closed port fails at once whatever the timeout; a live service on two cores shared
            // with the 500-buyer flash-sale test can take longer than production's 5 s per attempt.
            ["HttpResilience:AttemptTimeout:Timeout"] = "00:00:15",
            ["HttpResilience:TotalRequestTimeout:Timeout"] = "00:00:40",
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

    /// <summary>The account id (the buyer id the services see) of a registered shopper.</summary>
    public async Task<string> BuyerIdOfAsync(string email)
    {
        await using var conn = new Npgsql.NpgsqlConnection(IdentityConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("SELECT id FROM accounts WHERE normalized_email = $1", conn) { Parameters = { new() { Value = email.ToUpperInvariant() } } };
        return ((Guid)(await cmd.ExecuteScalarAsync())!).ToString();
    }

    /// <summary>A loopback address nothing listens on.</summary>
    public static int ClosedPort() => OsProcess.FreePort();

    /// <summary>A loopback address nothing listens on.</summary>
    public static Uri ClosedAddress() => new($"http://127.0.0.1:{OsProcess.FreePort()}/");

    /// <summary>A browser-like client: keeps cookies, does not follow redirects (tests look at them).</summary>
    public WebSession NewSession() => new(Web.BaseAddress);

    public async Task DisposeAsync()
    {
        if (Web is not null)
        {
            await Web.DisposeAsync();
        }

        if (_services is not null)
        {
            await _services.DisposeAsync();
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
        // No trace context, as from a browser: in the test process, other tests' tracers would make it.
        _client = new HttpClient(new SocketsHttpHandler { CookieContainer = Cookies, AllowAutoRedirect = false, ActivityHeadersPropagator = null })
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

    /// <summary>Sends a request as this visitor (its cookies, its <see cref="ForwardedFor"/> address).</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => _client.SendAsync(request);

    /// <summary>The antiforgery token of a form on <paramref name="pagePath"/>.</summary>
    public async Task<string> AntiforgeryTokenAsync(string pagePath)
    {
        var (_, html) = await GetAsync(pagePath);
        var token = AntiforgeryToken().Match(html);
        Assert.True(token.Success, $"{pagePath} has no antiforgery token");
        return WebUtility.HtmlDecode(token.Groups[1].Value);
    }

    /// <summary>
    /// Makes this visitor come from <paramref name="address"/> as a proxy in front of the
    /// storefront reports it (X-Forwarded-For from loopback), so tests can be different clients.
    /// </summary>
    public WebSession ForwardedFor(string address)
    {
        _client.DefaultRequestHeaders.Remove("X-Forwarded-For");
        _client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return this;
    }

    public void Dispose() => _client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
