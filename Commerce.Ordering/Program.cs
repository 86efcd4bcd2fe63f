using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace Commerce.Ordering;

public static class OrderingApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = "Commerce.Ordering" });
        builder.AddServiceDefaults();
        var app = builder.Build();
        app.UseServiceDefaults();
        app.MapDefaultEndpoints();
        return app;
    }

    public static Task InitializeAsync(WebApplication app, CancellationToken cancellationToken = default) => Task.CompletedTask;
}

public static class Program
{
    public static async Task Main(string[] args)
    {
        var app = OrderingApp.Build(args);
        await OrderingApp.InitializeAsync(app);
        await app.RunAsync();
    }
}
