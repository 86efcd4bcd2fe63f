using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace Commerce.AppHost.BackingServers;

/// <summary>How PostgreSQL, Redis and RabbitMQ run: Aspire's containers, or the OS packages' servers as executables.</summary>
internal enum BackingServerMode
{
    Containers,
    Executables,
}

internal static class BackingServerModeChoice
{
    /// <summary>
    /// The configuration key that forces a mode: <c>containers</c>, <c>executables</c> or <c>auto</c>
    /// (the default), e.g. <c>dotnet run --project Commerce.AppHost -- --Parameters:backing-servers=executables</c>.
    /// </summary>
    public const string Key = "Parameters:backing-servers";

    /// <summary>
    /// Publishing always describes containers (Azure Container Apps runs images). In run mode the
    /// configured mode wins; otherwise containers when a container runtime answers, executables when
    /// none does: DCP would wait forever for a container it cannot start.
    /// </summary>
    public static BackingServerMode Choose(IDistributedApplicationBuilder builder)
    {
        if (!builder.ExecutionContext.IsRunMode)
        {
            return BackingServerMode.Containers;
        }

        var configured = builder.Configuration[Key];
        return configured?.Trim().ToLowerInvariant() switch
        {
            "containers" => BackingServerMode.Containers,
            "executables" => BackingServerMode.Executables,
            null or "" or "auto" => ContainerRuntimeIsHealthy(builder.Configuration) ? BackingServerMode.Containers : BackingServerMode.Executables,
            _ => throw new DistributedApplicationException(
                $"{Key}='{configured}' is not a backing-server mode: use containers, executables or auto."),
        };
    }

    /// <summary>
    /// Asks the runtime DCP would use (ASPIRE_CONTAINER_RUNTIME, else docker, else podman) for its
    /// server version: only a running engine answers.
    /// </summary>
    private static bool ContainerRuntimeIsHealthy(IConfiguration configuration)
    {
        string[] runtimes = configuration["ASPIRE_CONTAINER_RUNTIME"] is { Length: > 0 } chosen ? [chosen] : ["docker", "podman"];
        foreach (var runtime in runtimes)
        {
            try
            {
                using var probe = Process.Start(new ProcessStartInfo(runtime)
                {
                    ArgumentList = { "info", "--format", "{{.ServerVersion}}" },
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                });
                if (probe is null)
                {
                    continue;
                }

                if (!probe.WaitForExit(TimeSpan.FromSeconds(10)))
                {
                    probe.Kill(entireProcessTree: true);
                    continue;
                }

                if (probe.ExitCode == 0 && probe.StandardOutput.ReadToEnd().Trim().Length > 0)
                {
                    return true;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed: try the next one.
            }
        }

        return false;
    }
}
