using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Commerce.Tests.Infrastructure;

/// <summary>A web app on real Kestrel at a free loopback port, for tests that need real HTTP.</summary>
public sealed class KestrelApp : IAsyncDisposable
{
    public WebApplication App { get; }
    public Uri BaseAddress { get; }

    private KestrelApp(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
    }

    public static async Task<KestrelApp> StartAsync(
        Action<WebApplicationBuilder> configure,
        Action<WebApplication> map,
        IDictionary<string, string?>? settings = null,
        string applicationName = "Commerce.Tests")
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = applicationName,
            EnvironmentName = "Testing",
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        configure(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new KestrelApp(app, AddressOf(app));
    }

    /// <summary>
    /// Starts a Commerce service in this process exactly as its Program does (its own
    /// <paramref name="build"/>, then <paramref name="initialize"/> for migrations and seeding), on
    /// real Kestrel at a free port, with <paramref name="settings"/> passed as command-line
    /// configuration, the way an orchestrator passes them.
    /// </summary>
    public static async Task<KestrelApp> StartServiceAsync(
        Func<string[], WebApplication> build,
        IDictionary<string, string?> settings,
        Func<WebApplication, CancellationToken, Task>? initialize = null)
    {
        var args = new List<string> { "--urls=http://127.0.0.1:0", "--environment=Testing", "--Logging:LogLevel:Default=Warning" };
        args.AddRange(settings.Where(kv => kv.Value is not null).Select(kv => $"--{kv.Key}={kv.Value}"));
        var app = build([.. args]);
        try
        {
            if (initialize is not null)
            {
                await initialize(app, CancellationToken.None);
            }

            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new KestrelApp(app, AddressOf(app));
    }

    /// <summary>The address Kestrel actually bound when asked for port 0.</summary>
    public static Uri AddressOf(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.EndsWith('/') ? address : address + "/");
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
