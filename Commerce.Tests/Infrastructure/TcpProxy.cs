using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Commerce.Tests.Infrastructure;

/// <summary>
/// A TCP proxy on a free loopback port that can freeze: a frozen connection stops carrying bytes in
/// either direction without being closed, and a side that closes is not passed on. What a client sees of
/// a server, or a network path, that hangs: reads never answer, and the server keeps the session (and
/// what it holds) because nothing tells it the client is gone. <see cref="Freeze"/> freezes new
/// connections too, <see cref="FreezeOpenConnections"/> only those open now.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Socket> _sockets = [];
    private readonly ConcurrentBag<Link> _links = [];
    private readonly Task _accepting;
    private volatile bool _freezeNew;

    private TcpProxy(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public static TcpProxy Start(string targetHost, int targetPort) => new(targetHost, targetPort);

    /// <summary>Stops carrying bytes on every connection, open or new, without closing any.</summary>
    public void Freeze()
    {
        _freezeNew = true;
        FreezeOpenConnections();
    }

    /// <summary>Stops carrying bytes on the connections open now; new ones work.</summary>
    public void FreezeOpenConnections()
    {
        foreach (var link in _links)
        {
            link.Freeze();
        }
    }

    public void Thaw()
    {
        _freezeNew = false;
        foreach (var link in _links)
        {
            link.Thaw();
        }
    }

    /// <summary>One connection through the proxy, and whether it carries bytes now.</summary>
    private sealed class Link
    {
        private volatile TaskCompletionSource _flowing = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Link(bool frozen)
        {
            if (!frozen)
            {
                _flowing.SetResult();
            }
        }

        public Task Flowing => _flowing.Task;

        public void Freeze()
        {
            if (_flowing.Task.IsCompleted)
            {
                _flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        public void Thaw() => _flowing.TrySetResult();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _sockets.Add(client);
            _ = CarryAsync(client);
        }
    }

    private async Task CarryAsync(Socket client)
    {
        var server = new Socket(SocketType.Stream, ProtocolType.Tcp);
        _sockets.Add(server);
        var link = new Link(_freezeNew);
        _links.Add(link);
        try
        {
            await link.Flowing.WaitAsync(_stop.Token);
            await server.ConnectAsync(_targetHost, _targetPort, _stop.Token);
            await Task.WhenAll(PumpAsync(link, client, server), PumpAsync(link, server, client));
        }
        catch (Exception)
        {
            // A side went away, or the proxy stopped.
        }
        finally
        {
            client.Dispose();
            server.Dispose();
        }
    }

    private async Task PumpAsync(Link link, Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
            // Frozen: what was read waits here, and an end of stream is not passed on either.
            await link.Flowing.WaitAsync(_stop.Token);
            if (read == 0)
            {
                to.Shutdown(SocketShutdown.Send);
                return;
            }

            await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
        }
    }

    /// <summary>Closes the listener and every connection through the proxy.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        await _accepting;
        _stop.Dispose();
    }
}
