using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Hosting;

namespace Commerce.ServiceDefaults.Telemetry;

/// <summary>
/// The framework categories that write a line for every request, every outgoing HTTP call (and
/// attempt) and every SQL command start at Warning: at flash-sale rates those lines cost more CPU than the work they
/// describe (docs/performance.md), and traces already carry the same facts. These are the lowest
/// configuration source, so any <c>Logging:LogLevel</c> setting wins, e.g.
/// <c>Logging__LogLevel__Microsoft.EntityFrameworkCore.Database.Command=Information</c> to see the SQL.
/// </summary>
public static class FrameworkLogLevels
{
    public static IReadOnlyDictionary<string, string> Defaults { get; } = new Dictionary<string, string>
    {
        ["Microsoft.AspNetCore"] = "Warning",
        ["Microsoft.EntityFrameworkCore"] = "Warning",
        ["System.Net.Http.HttpClient"] = "Warning",
        // Npgsql logs through the host's logger factory since Aspire.Npgsql builds its data source,
        // and the resilience handler's Polly telemetry logs every HTTP attempt.
        ["Npgsql"] = "Warning",
        ["Polly"] = "Warning",
    };

    public static TBuilder AddFrameworkLogLevels<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder =>
        builder.AddConfigurationDefaults(Defaults.Select(d => KeyValuePair.Create($"Logging:LogLevel:{d.Key}", (string?)d.Value)));

    /// <summary>
    /// Settings the project chooses for a library, as the lowest configuration source: any
    /// appsettings, environment variable or argument wins.
    /// </summary>
    public static TBuilder AddConfigurationDefaults<TBuilder>(this TBuilder builder, IEnumerable<KeyValuePair<string, string?>> defaults)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = defaults });
        return builder;
    }
}
