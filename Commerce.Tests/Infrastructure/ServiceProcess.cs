using System.Diagnostics;

namespace Commerce.Tests.Infrastructure;

/// <summary>
/// A Commerce service run as its own process (<c>dotnet Commerce.X.dll</c> from the test output), as
/// an orchestrator runs it: configuration on the command line, a loopback port of its own. For tests
/// that need one process per service, e.g. telemetry, where every tracer in a process sees every span.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServiceProcess(Process process, Uri baseAddress, string log)
    {
        _process = process;
        BaseAddress = baseAddress;
        Log = log;
    }

    public Uri BaseAddress { get; }

    /// <summary>Where the process's standard output and error go.</summary>
    public string Log { get; }

    public static async Task<ServiceProcess> StartAsync(string assemblyName, IDictionary<string, string?> settings,
        IDictionary<string, string>? environment = null)
    {
        var port = OsProcess.FreePort();
        var log = Path.Combine(Path.GetTempPath(), $"{assemblyName}-{port}.log");
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assemblyName + ".dll"));
        psi.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        psi.ArgumentList.Add("--environment=Testing");
        foreach (var (key, value) in settings.Where(kv => kv.Value is not null))
        {
            psi.ArgumentList.Add($"--{key}={value}");
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException($"{assemblyName} did not start.");
        var writer = new StreamWriter(log) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Write(writer, e.Data);
        process.ErrorDataReceived += (_, e) => Write(writer, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var service = new ServiceProcess(process, new Uri($"http://127.0.0.1:{port}/"), log);
        if (!await OsProcess.WaitForPortAsync(port, TimeSpan.FromSeconds(90)) || process.HasExited)
        {
            await service.DisposeAsync();
            throw new InvalidOperationException($"{assemblyName} did not listen on port {port}: see {log}");
        }

        return service;
    }

    private static void Write(StreamWriter writer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (writer)
        {
            writer.WriteLine(line);
        }
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Stops the service as an orchestrator does (SIGTERM), so that it shuts down cleanly and flushes its telemetry.</summary>
    public async ValueTask DisposeAsync()
    {
        await OsProcess.StopAsync(_process.Id, OsProcess.SigTerm, TimeSpan.FromSeconds(20));
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
