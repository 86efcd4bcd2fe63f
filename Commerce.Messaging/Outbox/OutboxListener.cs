using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Commerce.Messaging.Outbox;

/// <summary>
/// Listens for the outbox trigger's NOTIFY on a connection of its own that does nothing else, so no
/// notification is consumed unseen by a query of the relay's. A notification (or the listener stopping)
/// wakes the relay; many at once wake it once.
/// </summary>
internal sealed class OutboxListener : IAsyncDisposable
{
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop;
    private readonly AsyncServiceScope _scope;
    private readonly DbContext _db;
    private Task _listening = Task.CompletedTask;

    private OutboxListener(AsyncServiceScope scope, DbContext db, CancellationToken ct)
    {
        _scope = scope;
        _db = db;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
    }

    private NpgsqlConnection Connection => (NpgsqlConnection)_db.Database.GetDbConnection();

    public static async Task<OutboxListener> StartAsync<TContext>(IServiceScopeFactory scopes, string channel, CancellationToken ct)
        where TContext : DbContext
    {
        var scope = scopes.CreateAsyncScope();
        var listener = new OutboxListener(scope, scope.ServiceProvider.GetRequiredService<TContext>(), ct);
        try
        {
            await listener._db.Database.OpenConnectionAsync(ct);
            listener.Connection.Notification += (_, _) => listener._wake.Writer.TryWrite(true);
            await OutboxTable.ExecuteAsync(listener.Connection, $"LISTEN {OutboxDbContextExtensions.Quote(channel)}", ct);
            listener._listening = listener.ListenAsync(listener._stop.Token);
            return listener;
        }
        catch
        {
            await listener.DisposeAsync();
            throw;
        }
    }

    /// <summary>Forgets a wake-up already queued: the round about to start sees what it announced.</summary>
    public void ClearWake() => _wake.Reader.TryRead(out _);

    /// <summary>Waits for a notification, at most <paramref name="limit"/>.</summary>
    public async Task WaitAsync(TimeSpan limit, CancellationToken ct)
    {
        using var waitLimit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        waitLimit.CancelAfter(limit);
        try
        {
            await _wake.Reader.ReadAsync(waitLimit.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Waited long enough: look anyway.
        }
    }

    /// <summary>Throws why the listener stopped, if it has: leadership then starts over.</summary>
    public async Task ThrowIfStoppedAsync()
    {
        if (_listening.IsCompleted)
        {
            await _listening;
            throw new InvalidOperationException("The outbox listener stopped.");
        }
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Connection.WaitAsync(ct);
            }
        }
        finally
        {
            // A listener that stops wakes the relay, which then starts its leadership over.
            _wake.Writer.TryWrite(true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _listening;
        }
        catch (Exception ex) when (ex is OperationCanceledException or NpgsqlException)
        {
            // Ending with the leadership, or already broken.
        }

        await OutboxTable.ResetConnectionAsync(Connection);
        await _db.Database.CloseConnectionAsync();
        await _scope.DisposeAsync();
        _stop.Dispose();
    }
}
