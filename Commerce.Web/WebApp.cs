using Commerce.ServiceDefaults.Auth;
using Commerce.ServiceDefaults.Data;
using Commerce.ServiceDefaults.Http;
using Commerce.Web.Accounts;
using Commerce.Web.Buyers;
using Commerce.Web.Components;
using Commerce.Web.Data;
using Commerce.Web.Domain;
using Commerce.Web.Endpoints;
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

        builder.Services.AddServiceHttpClient<CatalogClient>("catalog");
        builder.Services.AddServiceHttpClient<CartClient>("cart");
        builder.Services.AddServiceHttpClient<OrderingClient>("ordering");

        builder.Services.AddSingleton<DatabaseKeyRepository>();
        builder.Services.AddDataProtection().SetApplicationName("commerce-web");
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = sp.GetRequiredService<DatabaseKeyRepository>()));

        builder.Services.AddSingleton(new LockoutPolicy());
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
            });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy, p => p.RequireAuthenticatedUser().RequireRole(ServiceAuthOptions.AdminRole));
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddAntiforgery(o => o.Cookie.Name = "commerce.antiforgery");
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

        app.MapDefaultEndpoints();
        app.MapStorefrontEndpoints();
        app.MapCartEndpoints();
        app.MapAccountEndpoints();
        app.MapOrderEndpoints();
        app.MapAdminEndpoints();
        app.MapRazorComponents<App>();
    }
}
