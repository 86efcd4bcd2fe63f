using System.Diagnostics;
using System.Net.Http.Json;

namespace Commerce.Tests.Infrastructure;

/// <summary>
/// A throwaway RabbitMQ node on free loopback ports. Its Erlang port mapper (epmd) is a child
/// process of the tests on a port of its own, and neither the node nor rabbitmqctl may start one
/// (<c>-start_epmd false</c>): the <c>epmd -daemon</c> Erlang starts otherwise detaches and
/// outlives the test run.
/// </summary>
public sealed class RabbitMqServer : IAsyncDisposable
{
    private const string BinDir = "/usr/lib/rabbitmq/bin";
    private readonly ServerDirectory? _dir;
    private readonly Dictionary<string, string> _env = new();
    private bool _ownsDir;
    private Process? _process;
    private Process? _epmd;
    private int _beamPid;

    public int Port { get; }
    public int ManagementPort { get; private set; }

    /// <summary>The port of the node's own epmd.</summary>
    public int EpmdPort { get; private set; }
    public string NodeName { get; }
    private readonly string _connectionString;

    private RabbitMqServer(ServerDirectory? dir, int port, string nodeName, string connectionString)
    {
        _dir = dir;
        Port = port;
        NodeName = nodeName;
        _connectionString = connectionString;
    }

    /// <summary><c>amqp://guest:guest@127.0.0.1:port/vhost</c> (guest may connect over loopback).</summary>
    public string ConnectionString(string? virtualHost = null) =>
        virtualHost is null ? _connectionString : $"{_connectionString.TrimEnd('/')}/{Uri.EscapeDataString(virtualHost)}";

    public static async Task<RabbitMqServer> StartAsync(ServerDirectory? dir = null)
    {
        if (Environment.GetEnvironmentVariable("COMMERCE_TEST_RABBITMQ") is { Length: > 0 } existing)
        {
            return new RabbitMqServer(null, 0, string.Empty, existing);
        }

        OsProcess.RequireExecutable($"{BinDir}/rabbitmq-server", "rabbitmq-server");
        // A port found free can be taken by another process before the node binds it, and the node
        // then never comes up ("rabbit_is_not_running"): one more try on other ports.
        try
        {
            return await StartOnFreePortsAsync(dir);
        }
        catch (InvalidOperationException first)
        {
            Console.Error.WriteLine($"RabbitMQ did not boot ({first.Message.Split('\n')[0]}); trying again on other ports.");
            return await StartOnFreePortsAsync(dir);
        }
    }

    private static async Task<RabbitMqServer> StartOnFreePortsAsync(ServerDirectory? dir)
    {
        var ownsDir = dir is null;
        dir ??= ServerDirectory.Create("rabbit");
        var port = OsProcess.FreePort();
        var node = $"commerce{port}@localhost";
        var server = new RabbitMqServer(dir, port, node, $"amqp://guest:guest@127.0.0.1:{port}") { _ownsDir = ownsDir };
        var root = dir.Sub($"rabbitmq-{port}");
        var plugins = System.IO.Path.Combine(root, "enabled_plugins");
        // The management API creates a virtual host in milliseconds; rabbitmqctl boots an Erlang VM each time.
        await File.WriteAllTextAsync(plugins, "[rabbitmq_management].");
        server.ManagementPort = OsProcess.FreePort();
        var epmdPort = OsProcess.FreePort();
        server._env["HOME"] = root;
        server._env["RABBITMQ_MNESIA_BASE"] = System.IO.Path.Combine(root, "mnesia");
        server._env["RABBITMQ_LOG_BASE"] = System.IO.Path.Combine(root, "log");
        server._env["RABBITMQ_NODENAME"] = node;
        server._env["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
        server._env["RABBITMQ_NODE_PORT"] = port.ToString();
        server._env["RABBITMQ_DIST_PORT"] = OsProcess.FreePort().ToString();
        server._env["RABBITMQ_PID_FILE"] = System.IO.Path.Combine(root, "rabbit.pid");
        server._env["RABBITMQ_ENABLED_PLUGINS_FILE"] = plugins;
        server._env["RABBITMQ_CONFIG_FILE"] = System.IO.Path.Combine(root, "rabbitmq");
        server._env["ERL_EPMD_PORT"] = epmdPort.ToString();
        server._env["ERL_EPMD_ADDRESS"] = "127.0.0.1";
        server._env["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1} -start_epmd false";
        server._env["RABBITMQ_CTL_ERL_ARGS"] = "-start_epmd false";
        server.EpmdPort = epmdPort;
        await File.WriteAllTextAsync(System.IO.Path.Combine(root, "rabbitmq.conf"),
            $"loopback_users = none\nlog.console = false\nlog.file.level = warning\nmanagement.tcp.ip = 127.0.0.1\nmanagement.tcp.port = {server.ManagementPort}\n");
        try
        {
            await server.StartEpmdAsync();
            await server.LaunchAsync(root);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>epmd in the foreground, as a child whose end the tests control.</summary>
    private async Task StartEpmdAsync()
    {
        var psi = new ProcessStartInfo(File.Exists("/usr/bin/epmd") ? "/usr/bin/epmd" : "epmd")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in (string[])["-port", EpmdPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "-address", "127.0.0.1"])
        {
            psi.ArgumentList.Add(arg);
        }

        _epmd = Process.Start(psi) ?? throw new InvalidOperationException("epmd did not start.");
        _epmd.OutputDataReceived += (_, _) => { };
        _epmd.ErrorDataReceived += (_, _) => { };
        _epmd.BeginOutputReadLine();
        _epmd.BeginErrorReadLine();
        _dir!.RecordPid(_epmd.Id);
        if (!await OsProcess.WaitForPortAsync(EpmdPort, TimeSpan.FromSeconds(15)))
        {
            throw new InvalidOperationException($"epmd did not listen on 127.0.0.1:{EpmdPort}.");
        }
    }

    private async Task LaunchAsync(string root)
    {
        var psi = new ProcessStartInfo($"{BinDir}/rabbitmq-server")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        foreach (var (k, v) in _env)
        {
            psi.Environment[k] = v;
        }

        _process = Process.Start(psi) ?? throw new InvalidOperationException("rabbitmq-server did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _dir!.RecordPid(_process.Id);
        try
        {
            await CtlAsync(["wait", "--timeout", "60", _env["RABBITMQ_PID_FILE"]], TimeSpan.FromSeconds(75));
        }
        finally
        {
            // Known even when the node failed to boot, so that stopping it stops its VM too.
            if (File.Exists(_env["RABBITMQ_PID_FILE"]) && int.TryParse((await File.ReadAllTextAsync(_env["RABBITMQ_PID_FILE"])).Trim(), out var beam))
            {
                _beamPid = beam;
                _dir.RecordPid(_beamPid);
            }
        }
    }

    /// <summary>Creates a virtual host so that one test's queues never meet another's.</summary>
    public async Task<string> CreateVirtualHostAsync(string name)
    {
        if (_dir is null)
        {
            throw new InvalidOperationException("Virtual hosts can only be created on a server the tests started.");
        }

        using var http = ManagementClient();
        var vhost = Uri.EscapeDataString(name);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                (await http.PutAsync($"vhosts/{vhost}", null)).EnsureSuccessStatusCode();
                break;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                // The management listener comes up a moment after the broker reports ready.
                await Task.Delay(200);
            }
        }

        (await http.PutAsync($"permissions/{vhost}/guest", new StringContent("""{"configure":".*","write":".*","read":".*"}""", System.Text.Encoding.UTF8, "application/json")))
            .EnsureSuccessStatusCode();
        return ConnectionString(name);
    }

    /// <summary>Declares a queue through the management API, as something other than a service would.</summary>
    public async Task DeclareQueueAsync(string virtualHost, string queue, bool durable)
    {
        using var http = ManagementClient();
        var body = JsonContent.Create(new { durable, auto_delete = false });
        (await http.PutAsync($"queues/{Uri.EscapeDataString(virtualHost)}/{Uri.EscapeDataString(queue)}", body)).EnsureSuccessStatusCode();
    }

    public async Task DeleteQueueAsync(string virtualHost, string queue)
    {
        using var http = ManagementClient();
        (await http.DeleteAsync($"queues/{Uri.EscapeDataString(virtualHost)}/{Uri.EscapeDataString(queue)}")).EnsureSuccessStatusCode();
    }

    private HttpClient ManagementClient()
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ManagementPort}/api/"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("guest:guest"u8.ToArray()));
        return http;
    }

    public Task<string> CtlAsync(IEnumerable<string> args, TimeSpan? timeout = null) =>
        OsProcess.RunAsync($"{BinDir}/rabbitmqctl", ["-n", NodeName, .. args], _env, timeout: timeout ?? TimeSpan.FromSeconds(30));

    /// <summary>Stops the node abruptly, as an outage would, keeping its data and port.</summary>
    public async Task StopAsync()
    {
        await OsProcess.StopAsync(_beamPid, OsProcess.SigKill, TimeSpan.FromSeconds(10));
        if (_process is not null)
        {
            await OsProcess.StopAsync(_process.Id, OsProcess.SigKill, TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync();
        }
    }

    public Task RestartAsync() => LaunchAsync(_env["HOME"]);

    public async ValueTask DisposeAsync()
    {
        if (_dir is null)
        {
            return;
        }

        await StopAsync();
        if (_epmd is not null)
        {
            await OsProcess.StopAsync(_epmd.Id, OsProcess.SigTerm, TimeSpan.FromSeconds(5));
            await _epmd.WaitForExitAsync();
            _epmd.Dispose();
        }

        _process?.Dispose();
        if (_ownsDir)
        {
            _dir.Delete();
        }
    }
}
