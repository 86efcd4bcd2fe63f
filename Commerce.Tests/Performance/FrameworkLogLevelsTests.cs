using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Commerce.Tests.Performance;

/// <summary>Per-request framework logging is off by default (it cost more CPU than the requests), and configuration turns it back on.</summary>
public sealed class FrameworkLogLevelsTests
{
    [Fact]
    public async Task Framework_request_http_and_sql_logs_start_at_warning_and_the_services_own_logs_stay()
    {
        await using var app = Build([]);
        var logs = app.Services.GetRequiredService<ILoggerFactory>();

        foreach (var category in new[]
                 {
                     "Microsoft.EntityFrameworkCore.Database.Command", "Microsoft.AspNetCore.Hosting.Diagnostics",
                     "Microsoft.AspNetCore.Routing.EndpointMiddleware", "System.Net.Http.HttpClient.catalog.LogicalHandler",
                 })
        {
            var logger = logs.CreateLogger(category);
            Assert.False(logger.IsEnabled(LogLevel.Information), $"{category} should not log Information by default");
            Assert.True(logger.IsEnabled(LogLevel.Warning), $"{category} should still log warnings");
        }

        Assert.True(logs.CreateLogger("Commerce.Ordering.Checkout.CheckoutService").IsEnabled(LogLevel.Information));
        Assert.True(logs.CreateLogger("Microsoft.Hosting.Lifetime").IsEnabled(LogLevel.Information));
    }

    [Fact]
    public async Task Configuration_turns_the_sql_log_back_on()
    {
        await using var app = Build(["--Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command=Information"]);
        var logs = app.Services.GetRequiredService<ILoggerFactory>();

        Assert.True(logs.CreateLogger("Microsoft.EntityFrameworkCore.Database.Command").IsEnabled(LogLevel.Information));
        Assert.False(logs.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(LogLevel.Information));
    }

    private static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults();
        return builder.Build();
    }
}
