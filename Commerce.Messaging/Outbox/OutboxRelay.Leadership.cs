using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Commerce.Messaging.Outbox;

/// <summary>Ending a stuck leadership: a standby's takeover from a silent holder, and a leader's end of its own session.</summary>
public sealed partial class OutboxRelay<TContext>
{
    /// <summary>
    /// Another session holds the lock. A leader runs a statement at least every step, so one whose session
    /// has been silent for twice the limit of a step is stuck beyond its own watchdog (its process frozen,
    /// its connection half-open): its session is ended and the lock taken.
    /// </summary>
    private async Task<LockSession?> TakeOverFromStuckLeaderAsync(NpgsqlConnection connection, OutboxTable table, CancellationToken ct)
    {
        var silence = options.Value.StuckTimeout * 2;
        if (!await table.EndSilentHolderAsync(connection, silence, ct))
        {
            return null;
        }

        LogEndedSilentLeader(logger, ContextName, silence.TotalSeconds);
        return await table.TryLockAsync(connection, ct);
    }

    /// <summary>Ends this replica's stuck lock session from a new connection; bounded, and never throws.</summary>
    private async Task EndOwnSessionAsync(LockSession session)
    {
        var limit = options.Value.StuckTimeout;
        try
        {
            using var cancel = new CancellationTokenSource(limit);
            var ended = await EndSessionAsync(session, cancel.Token).WaitAsync(limit, clock);
            LogEndedOwnSession(logger, ContextName, session.ProcessId, ended);
        }
        catch (Exception ex)
        {
            // The standby ends it once it has been silent long enough.
            LogCouldNotEndOwnSession(logger, ex, ContextName, session.ProcessId);
        }

        async Task<bool> EndSessionAsync(LockSession stuck, CancellationToken ct)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TContext>();
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                return await OutboxTable.Of(db).EndSessionAsync((NpgsqlConnection)db.Database.GetDbConnection(), stuck, ct);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay of {Context}: the leader's session had run no statement for {Seconds} s; ended it to take over")]
    private static partial void LogEndedSilentLeader(ILogger logger, string context, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox relay of {Context}: ended its own stuck session {ProcessId} on the server (ended: {Ended})")]
    private static partial void LogEndedOwnSession(ILogger logger, string context, int processId, bool ended);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay of {Context} could not end its own stuck session {ProcessId}; a standby ends it once it has been silent long enough")]
    private static partial void LogCouldNotEndOwnSession(ILogger logger, Exception exception, string context, int processId);
}
