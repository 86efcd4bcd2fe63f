using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Commerce.AppHost.Tests;

/// <summary>
/// Commerce.AppHost's graph as <c>./run.sh</c> starts it without a container runtime, on free
/// loopback ports with a throwaway data folder and secrets, started once for the tests that share it.
/// Disposing it stops the graph and fails when any process it started is still running or any of
/// its ports is still taken (RabbitMQ's epmd included).
/// </summary>
public sealed class ShopGraph : IAsyncLifetime
{
    /// <summary>Every resource that runs a process, in the order the graph brings them up.</summary>
    public static readonly string[] Resources = ["postgres", "cache", "messaging-epmd", "messaging", "catalog", "cart", "ordering", "recommendations", "web"];

    private static readonly string[] PortKeys =
    [
        "COMMERCE_WEB_PORT", "COMMERCE_CATALOG_PORT", "COMMERCE_CART_PORT", "COMMERCE_ORDERING_PORT", "COMMERCE_RECOMMENDATIONS_PORT",
        "COMMERCE_POSTGRES_PORT", "COMMERCE_REDIS_PORT", "COMMERCE_RABBITMQ_PORT", "COMMERCE_RABBITMQ_MANAGEMENT_PORT",
        "COMMERCE_RABBITMQ_DIST_PORT", "COMMERCE_EPMD_PORT",
    ];

    private readonly Dictionary<string, int> _ports = PortKeys.ToDictionary(k => k, _ => FreePort());
    private readonly string _home = Directory.CreateTempSubdirectory("commerce-apphost-").FullName;
    private DistributedApplication? _app;

    public string AdminEmail { get; private set; } = $"admin-{Guid.NewGuid():N}@shop.test";

    public string AdminPassword { get; private set; } = $"Adm1n-{Guid.NewGuid():N}";

    public TimeSpan StartupTime { get; private set; }

    public const string TraceSampler = "parentbased_traceidratio";
    public const string TraceSamplerArg = "1";
    public const string MetricExportInterval = "2000";

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The graph has not started.");

    public Uri Storefront => App.GetEndpoint("web", "http");

    public async Task InitializeAsync()
    {
        var started = Stopwatch.StartNew();
        // Cold machines build nothing here (the test project's build built every service), but the
        // servers' first start (initdb, RabbitMQ's first boot) and four services' migrations and
        // seeding take a while on two busy cores.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        var ct = timeout.Token;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_home, (UnixFileMode)0b111_101_101);
        }

        using var rsa = RSA.Create(2048);
        List<string> args =
        [
            "--Parameters:backing-servers=executables",
            $"--COMMERCE_HOME={_home}",
            $"--Parameters:auth-signing-key={rsa.ExportPkcs8PrivateKeyPem()}",
            $"--Parameters:admin-email={AdminEmail}",
            $"--Parameters:admin-password={AdminPassword}",
            $"--Parameters:postgres-password={Guid.NewGuid():N}",
            $"--Parameters:cache-password={Guid.NewGuid():N}",
            $"--Parameters:messaging-password={Guid.NewGuid():N}",
            // A developer's own sampler (here one that keeps every trace, as Aspire's always_on does).
            $"--OTEL_TRACES_SAMPLER={TraceSampler}",
            $"--OTEL_TRACES_SAMPLER_ARG={TraceSamplerArg}",
            $"--OTEL_METRIC_EXPORT_INTERVAL={MetricExportInterval}",
        ];
        args.AddRange(_ports.Select(p => $"--{p.Key}={p.Value}"));

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Commerce_AppHost>([.. args], ct);
        // The storefront gives each call 5 s. A service's first checkout after start (EF Core building
        // its insert pipeline, JIT) takes longer than that beside other test runs on two cores; the
        // shopper would then see "could not place your order" and press again, which is not what the
        // journey is about.
        builder.CreateResourceBuilder<ProjectResource>("web")
            .WithEnvironment("HttpResilience__AttemptTimeout__Timeout", "00:01:00")
            .WithEnvironment("HttpResilience__TotalRequestTimeout__Timeout", "00:01:30")
            .WithEnvironment("HttpResilience__CircuitBreaker__SamplingDuration", "00:02:00");
        _app = await builder.BuildAsync(ct);
        // What Web is given, wherever it came from: on a machine where ./run.sh has run, the
        // AppHost's user secrets hold its generated admin password, and it wins over the arguments.
        var parameters = _app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ParameterResource>().ToList();
        AdminEmail = await parameters.Single(p => p.Name == "admin-email").GetValueAsync(ct) ?? AdminEmail;
        AdminPassword = await parameters.Single(p => p.Name == "admin-password").GetValueAsync(ct) ?? AdminPassword;
        await _app.StartAsync(ct);
        foreach (var resource in Resources)
        {
            try
            {
                await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, ct);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"'{resource}' was not healthy {started.Elapsed.TotalSeconds:0} s after the graph started.");
            }
        }

        StartupTime = started.Elapsed;
    }

    /// <summary>What <paramref name="resource"/> wrote to its console so far (the dashboard's console log).</summary>
    public async Task<string> ConsoleLogAsync(string resource, CancellationToken cancellationToken = default)
    {
        var model = App.Services.GetRequiredService<DistributedApplicationModel>();
        var target = model.Resources.Single(r => r.Name == resource);
        var text = new StringBuilder();
        await foreach (var batch in App.Services.GetRequiredService<ResourceLoggerService>().GetAllAsync(target).WithCancellation(cancellationToken))
        {
            foreach (var line in batch)
            {
                text.Append(line.IsErrorMessage ? "! " : "  ").AppendLine(line.Content);
            }
        }

        return text.ToString();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        // What the graph started runs with the data folder on its command line or in its environment.
        // RabbitMQ's node can take a while to stop on a busy machine: a minute, then it is a leak.
        var stopping = Stopwatch.StartNew();
        List<string> left;
        while ((left = LeftOver()).Count > 0 && stopping.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(500);
        }

        try
        {
            if (left.Count > 0)
            {
                // A fixture's failure message may not reach the console; the list must.
                await Console.Error.WriteLineAsync($"ShopGraph: still running {stopping.Elapsed.TotalSeconds:0} s after the graph stopped:\n{string.Join('\n', left)}");
            }

            Assert.True(left.Count == 0, $"still running {stopping.Elapsed.TotalSeconds:0} s after the graph stopped:\n{string.Join('\n', left)}");
        }
        finally
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    /// <summary>Processes started for this graph and ports of it still taken.</summary>
    private List<string> LeftOver()
    {
        var left = new List<string>();
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(proc, "cmdline")).Replace('\0', ' ');
                var environ = File.ReadAllText(Path.Combine(proc, "environ"));
                var cwd = new DirectoryInfo(Path.Combine(proc, "cwd")).ResolveLinkTarget(returnFinalTarget: false)?.FullName ?? string.Empty;
                // Servers: their folder (Redis and PostgreSQL rewrite their titles, so also their
                // working directory); services: the connection strings they were given.
                string[] marks = [_home, $"Port={_ports["COMMERCE_POSTGRES_PORT"]};", $"127.0.0.1:{_ports["COMMERCE_REDIS_PORT"]},", $"@127.0.0.1:{_ports["COMMERCE_RABBITMQ_PORT"]}"];
                if (cwd.StartsWith(_home, StringComparison.Ordinal) || marks.Any(m => cmdline.Contains(m, StringComparison.Ordinal) || environ.Contains(m, StringComparison.Ordinal)))
                {
                    left.Add($"pid {pid}: {cmdline}");
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or a kernel thread.
            }
        }

        foreach (var (key, port) in _ports)
        {
            using var probe = new TcpClient();
            try
            {
                probe.Connect(IPAddress.Loopback, port);
                left.Add($"port {port} ({key}) still accepts connections");
            }
            catch (SocketException)
            {
                // Free, as it should be.
            }
        }

        return left;
    }

    /// <summary>
    /// A free loopback port below the kernel's ephemeral range (32768 up), so that none of the many
    /// outgoing connections takes it before its server binds it.
    /// </summary>
    private static int FreePort()
    {
        while (true)
        {
            var port = Random.Shared.Next(10000, 32000);
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: another.
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ShopGraphCollection : ICollectionFixture<ShopGraph>, ICollectionFixture<Commerce.Tests.Web.Chromium>
{
    public const string Name = "The AppHost's graph";
}
