using System.Diagnostics;

namespace Commerce.Tests.Infrastructure;

/// <summary>
/// A temporary folder that owns throwaway servers. It records its owner's pid and every server pid
/// it starts, so a later run can stop and remove what a crashed run left behind.
/// </summary>
public sealed class ServerDirectory
{
    private static readonly string Root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "commerce-tests");
    private const string OwnerFile = "owner.pid";
    private const string PidsFile = "servers.pid";

    public string Path { get; }

    private ServerDirectory(string path) => Path = path;

    public static ServerDirectory Create(string purpose)
    {
        Directory.CreateDirectory(Root);
        CleanStale();
        var path = System.IO.Path.Combine(Root, $"{purpose}-{Environment.ProcessId}-{Guid.NewGuid():N}"[..Math.Min(purpose.Length + 20, 48)]);
        Directory.CreateDirectory(path);
        File.WriteAllText(System.IO.Path.Combine(path, OwnerFile), $"{Environment.ProcessId} {StartTicks(Environment.ProcessId)}");
        // Postgres runs as its own user when we are root and must be able to reach its folder.
        File.SetUnixFileMode(Root, (UnixFileMode)0b111_111_111 | UnixFileMode.StickyBit);
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        StartReaper(path);
        return new ServerDirectory(path);
    }

    /// <summary>
    /// A detached shell that outlives the test process: when that process exits, however it exits,
    /// the reaper stops every recorded server and removes the folder.
    /// </summary>
    private static void StartReaper(string path)
    {
        const string script = """
            owner=$1; dir=$2
            while kill -0 "$owner" 2>/dev/null; do sleep 0.5; done
            [ -d "$dir" ] || exit 0
            pids=$(cat "$dir/servers.pid" 2>/dev/null)
            [ -n "$pids" ] && kill -QUIT $pids 2>/dev/null
            for i in 1 2 3 4 5 6 7 8 9 10; do
              alive=""; for p in $pids; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done
              [ -z "$alive" ] && break; sleep 0.3
            done
            [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
            sleep 0.2
            rm -rf "$dir"
            """;
        var psi = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardInput = false,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
        };
        foreach (var arg in (string[])["bash", "-c", script, "commerce-test-reaper", Environment.ProcessId.ToString(), path])
        {
            psi.ArgumentList.Add(arg);
        }

        using var reaper = Process.Start(psi);
    }

    public string Sub(string name)
    {
        var sub = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(sub);
        return sub;
    }

    public void RecordPid(int pid)
    {
        lock (this)
        {
            File.AppendAllText(System.IO.Path.Combine(Path, PidsFile), pid + Environment.NewLine);
        }
    }

    public async Task StopRecordedAsync()
    {
        await StopPidsAsync(Path);
    }

    public void SignalRecorded(int signal)
    {
        foreach (var pid in ReadPids(Path))
        {
            OsProcess.Signal(pid, signal);
        }
    }

    public void Delete()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>Stops and removes the servers of runs whose test process is gone.</summary>
    public static void CleanStale()
    {
        if (!Directory.Exists(Root))
        {
            return;
        }

        foreach (var dir in Directory.EnumerateDirectories(Root))
        {
            if (OwnerAlive(dir))
            {
                continue;
            }

            StopPidsAsync(dir).GetAwaiter().GetResult();
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private static bool OwnerAlive(string dir)
    {
        var ownerFile = System.IO.Path.Combine(dir, OwnerFile);
        if (!File.Exists(ownerFile))
        {
            // A folder being created right now by another run has no owner file for a moment.
            return Directory.GetCreationTimeUtc(dir) > DateTime.UtcNow.AddSeconds(-30);
        }

        var parts = File.ReadAllText(ownerFile).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 2 && int.TryParse(parts[0], out var pid) && long.TryParse(parts[1], out var started)
            && StartTicks(pid) == started;
    }

    /// <summary>
    /// When the kernel started the process, in clock ticks since boot: unlike
    /// <see cref="Process.StartTime"/>, which is derived from the current uptime and jitters, it
    /// is the same whoever reads it, so a reused pid is never mistaken for the owner.
    /// </summary>
    private static long StartTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name, which is in parentheses and may contain spaces.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[19], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return -1;
        }
    }

    private static async Task StopPidsAsync(string dir)
    {
        await Task.WhenAll(ReadPids(dir).Select(p => OsProcess.StopAsync(p, OsProcess.SigKill, TimeSpan.FromSeconds(5))));
    }

    private static IEnumerable<int> ReadPids(string dir)
    {
        var pidsFile = System.IO.Path.Combine(dir, PidsFile);
        return File.Exists(pidsFile)
            ? File.ReadAllLines(pidsFile).Select(l => int.TryParse(l, out var p) ? p : 0).Where(p => p > 0).Distinct().ToArray()
            : [];
    }
}
