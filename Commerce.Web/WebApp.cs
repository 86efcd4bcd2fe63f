using Commerce.ServiceAuth;
using Commerce.Data;
using Commerce.ServiceDefaults.Http;
using Commerce.Web.Accounts;
using Commerce.Web.Buyers;
using Commerce.Web.Components;
using Commerce.Web.Data;
using Commerce.Web.Domain;
using Commerce.Web.Endpoints;
using Commerce.Web.Security;
using Commerce.Web.Services;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Commerce.Web;

/// <summary>The storefront and back office: composition and start-up, shared by Program and the tests.</summary>
public static class WebApp
{
    public const string AdminPolicy = "admin";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = "Commerce.Web" });
        // blazor.web.js lives in a NuGet package: a build (dotnet run, the AppHost, the tests) finds it
        // through the static web assets manifest, which the host reads by itself only in Development.
        // Published output carries the file under wwwroot and no such manifest, so this does nothing there.
        builder.WebHost.UseStaticWebAssets();
        builder.AddServiceDefaults();
        builder.AddNpgsqlDbContext<WebApplicationBuilder, IdentityDb>("identitydb");

        builder.Services.AddOptions<ServiceAuthOptions>()
            .Bind(builder.Configuration.GetSection(ServiceAuthOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.SigningKey),
                "Auth:SigningKey is not set. Set it (environment variable Auth__SigningKey) to the PEM RSA private key the storefront signs service tokens with.")
            .ValidateOnStart();
        builder.Services.AddOptions<AdminAccountOptions>().Bind(builder.Configuration.GetSection(AdminAccountOptions.SectionName));
        builder.Services.AddSingleton<ServiceTokens>();
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.Services.AddTransient<RequestTraceHandler>();
        builder.Services.AddServiceHttpClient<CatalogClient>("catalog").AddHttpMessageHandler<RequestTraceHandler>();
        builder.Services.AddServiceHttpClient<CartClient>("cart").AddHttpMessageHandler<RequestTraceHandler>();
        builder.Services.AddServiceHttpClient<OrderingClient>("ordering").AddHttpMessageHandler<RequestTraceHandler>();
        builder.Services.AddRecommendations();

        builder.Services.AddSingleton<DatabaseKeyRepository>();
        builder.Services.AddDataProtection().SetApplicationName("commerce-web");
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = sp.GetRequiredService<DatabaseKeyRepository>()));

        builder.Services.AddOptions<SignInThrottlePolicy>().Bind(builder.Configuration.GetSection(SignInThrottlePolicy.SectionName))
            .Validate(p => p.PairLimit > 0 && p.ClientLimit > 0 && p.PairWindow > TimeSpan.Zero && p.ClientWindow > TimeSpan.Zero,
                "SignInThrottle: PairLimit and ClientLimit must be at least 1, PairWindow and ClientWindow longer than zero.")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<SignInThrottlePolicy>>().Value);
        builder.Services.AddScoped<SignInThrottle>();
        builder.Services.AddScoped<ShopperSessions>();
        builder.Services.AddSingleton<IPasswordHasher<ShopperAccount>, PasswordHasher<ShopperAccount>>();
        builder.Services.AddSingleton<UnknownAccountDecoy>();
        builder.Services.AddScoped<ShopperAccounts>();
        builder.Services.AddSingleton<AnonymousBuyerCookie>();
        builder.Services.AddSingleton<FlashMessage>();
        builder.Services.AddScoped<SignInFlow>();

        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.Cookie.Name = "commerce.session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromDays(7);
                o.SlidingExpiration = true;
                o.LoginPath = "/account/sign-in";
                o.LogoutPath = "/account/sign-out";
                o.AccessDeniedPath = "/account/denied";
                o.ReturnUrlParameter = "returnUrl";
                o.Events.OnValidatePrincipal = ShopperSessions.ValidateAsync;
                // The handler follows ?returnUrl= on the sign-in page by itself: only as LocalUrl allows, in ASCII.
                o.Events.OnRedirectToReturnUrl = c =>
                {
                    c.Response.Redirect(LocalUrl.OrDefault(c.RedirectUri, "/"));
                    return Task.CompletedTask;
                };
            });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy, p => p.RequireAuthenticatedUser().RequireRole(ServiceAuthOptions.AdminRole));
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddAntiforgery(o => o.Cookie.Name = "commerce.antiforgery");
        builder.Services.AddEdgeOptions(builder.Configuration, builder.Environment);
        // Every cookie, the framework's and ours, set and deleted alike: HttpOnly, SameSite=Lax,
        // and Secure whenever the request is HTTPS (or the proxy in front says it was).
        builder.Services.Configure<CookiePolicyOptions>(o =>
        {
            o.Secure = CookieSecurePolicy.SameAsRequest;
            o.HttpOnly = Microsoft.AspNetCore.CookiePolicy.HttpOnlyPolicy.Always;
            o.MinimumSameSitePolicy = SameSiteMode.Lax;
        });
        builder.Services.AddHttpContextAccessor();
        // Prices and names carry €, ×, accents: write them as characters, not numeric entities.
        builder.Services.AddWebEncoders(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        builder.Services.AddRazorComponents();

        var app = builder.Build();
        Configure(app);
        return app;
    }

    public static async Task InitializeAsync(WebApplication app, CancellationToken cancellationToken)
    {
        await app.MigrateDatabaseAsync<IdentityDb>(async (db, services, ct) =>
        {
            // Under the migration lock: the first replica makes the key every replica then shares.
            var keys = services.GetRequiredService<IKeyManager>();
            var now = DateTimeOffset.UtcNow;
            if (!keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now.AddDays(2)))
            {
                keys.CreateNewKey(now, now.AddDays(90));
            }

            await SeedAdminAsync(services, ct);
        }, cancellationToken: cancellationToken);
    }

    private static async Task SeedAdminAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var admin = services.GetRequiredService<IOptions<AdminAccountOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Commerce.Web.Admin");
        if (string.IsNullOrWhiteSpace(admin.Email) || string.IsNullOrEmpty(admin.Password))
        {
            logger.LogWarning("No admin account is configured (Admin:Email and Admin:Password are not both set): the back office has no operator until one is.");
            return;
        }

        await services.GetRequiredService<ShopperAccounts>().EnsureAdminAsync(admin.Email, admin.Password, cancellationToken);
    }

    private static void Configure(WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseCookiePolicy();
        app.UseMiddleware<SecurityHeaders>();
        app.UseExceptionHandler("/error", createScopeForErrors: true);
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = "/assets",
            FileProvider = new EmbeddedFileProvider(typeof(WebApp).Assembly, "Commerce.Web.Assets"),
            OnPrepareResponse = ctx => ctx.Context.Response.Headers.CacheControl = "public, max-age=3600",
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<AnonymousBuyerMiddleware>();
        app.UseAntiforgery();
        app.UseMiddleware<AntiforgeryEnforcement>();

        app.MapDefaultEndpoints();
        app.MapStorefrontEndpoints();
        app.MapCartEndpoints();
        app.MapAccountEndpoints();
        app.MapOrderEndpoints();
        app.MapAdminEndpoints();
        app.MapStaticAssets();
        app.MapRazorComponents<App>();
    }
}
