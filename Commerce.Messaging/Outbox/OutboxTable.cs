using Commerce.Messaging.Idempotency;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Commerce.Messaging.Outbox;

/// <summary>
/// The relay's SQL against one DbContext's outbox (and processed-message) table: what to read, how to
/// mark, what to clean, the leadership lock. Plain statements on the relay's own connection.
/// </summary>
internal sealed class OutboxTable
{
    private readonly string _outbox;
    private readonly string? _processed;

    private OutboxTable(string outbox, string? processed, string channel)
    {
        _outbox = outbox;
        _processed = processed;
        Channel = channel;
        LockKey = Data.AdvisoryLocks.Key($"commerce-outbox:{channel}");
    }

    /// <summary>The channel the outbox trigger notifies on commit.</summary>
    public string Channel { get; }

    /// <summary>The session advisory lock the relaying replica holds.</summary>
    public long LockKey { get; }

    public static OutboxTable Of(DbContext db)
    {
        var (table, schema) = OutboxDbContextExtensions.TableOf<OutboxMessage>(db);
        var processed = OutboxDbContextExtensions.Maps<ProcessedMessage>(db) ? OutboxDbContextExtensions.TableOf<ProcessedMessage>(db) : default;
        return new OutboxTable(
            OutboxDbContextExtensions.QualifiedName(table, schema),
            processed.Table is null ? null : OutboxDbContextExtensions.QualifiedName(processed.Table, processed.Schema),
            OutboxDbContextExtensions.NotificationChannel(table, schema));
    }

    /// <summary>Takes the relay lock if no session holds it; returns this session when it did.</summary>
    public async Task<LockSession?> TryLockAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "SELECT pg_try_advisory_lock($1), pid, backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()", connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = LockKey });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) && reader.GetBoolean(0)
            ? new LockSession(reader.GetInt32(1), reader.GetFieldValue<DateTime>(2))
            : null;
    }

    /// <summary>
    /// Ends <paramref name="session"/> on the server if it still holds the relay lock: the lock goes with
    /// it, whatever its client is stuck in. Returns whether it did.
    /// </summary>
    public Task<bool> EndSessionAsync(NpgsqlConnection connection, LockSession session, CancellationToken ct) =>
        EndHolderAsync(connection, "AND l.pid = $2 AND a.backend_start = $3", ct,
            new NpgsqlParameter<int> { TypedValue = session.ProcessId }, new NpgsqlParameter<DateTime> { TypedValue = session.Started });

    /// <summary>
    /// Ends the session holding the relay lock if it has run no statement for <paramref name="silentFor"/>
    /// (a leader runs one at least every round): its replica is stuck, or gone without its connection
    /// being closed. Returns whether it did.
    /// </summary>
    public Task<bool> EndSilentHolderAsync(NpgsqlConnection connection, TimeSpan silentFor, CancellationToken ct) =>
        EndHolderAsync(connection, "AND a.state_change < clock_timestamp() - $2", ct, new NpgsqlParameter<TimeSpan> { TypedValue = silentFor });

    private async Task<bool> EndHolderAsync(NpgsqlConnection connection, string condition, CancellationToken ct, params NpgsqlParameter[] parameters)
    {
        // pg_locks shows a bigint advisory key as its high and low 32 bits (classid, objid; objsubid 1).
        // pg_terminate_backend waits up to 1 s for the session to end, so the lock is usually free when it returns.
        await using var command = new NpgsqlCommand(
            $"""
            SELECT coalesce(bool_or(pg_terminate_backend(l.pid, 1000)), false)
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND l.classid = (($1::bigint >> 32) & 4294967295)::oid
              AND l.objid = ($1::bigint & 4294967295)::oid
              AND l.pid <> pg_backend_pid()
              {condition}
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = LockKey });
        command.Parameters.AddRange(parameters);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    public async Task<List<OutboxRow>> ReadUnsentAsync(NpgsqlConnection connection, string[] blocked, int limit, CancellationToken ct)
    {
        // Rows of a transaction still running (or of one that began before it) stay invisible until
        // it ends: that is what keeps a late commit from slipping in before rows already published.
        await using var command = new NpgsqlCommand(
            $"""
            SELECT id, message_id, aggregate_id, message_type, payload::text, trace_parent, created_at
            FROM {_outbox}
            WHERE sent_at IS NULL
              AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
              AND NOT (aggregate_id = ANY($1))
            ORDER BY transaction_id, id
            LIMIT $2
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = blocked });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        var rows = new List<OutboxRow>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new OutboxRow(reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return rows;
    }

    /// <summary>Whether committed rows of aggregates that are not waiting out a failure are unsent.</summary>
    public async Task<bool> AnyPendingAsync(NpgsqlConnection connection, string[] blocked, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT EXISTS (SELECT 1 FROM {_outbox} WHERE sent_at IS NULL AND NOT (aggregate_id = ANY($1)))", connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = blocked });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    public async Task<DateTimeOffset> MarkSentAsync(NpgsqlConnection connection, long[] ids)
    {
        // Not cancelled at shutdown: abandoning the mark would send everything just published again.
        await using var command = new NpgsqlCommand(
            $"UPDATE {_outbox} SET sent_at = clock_timestamp(), attempts = attempts + 1, last_error = NULL WHERE id = ANY($1) RETURNING sent_at", connection);
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ids });
        var sentAt = await command.ExecuteScalarAsync(CancellationToken.None);
        return sentAt is DateTime dt ? new DateTimeOffset(dt, TimeSpan.Zero) : sentAt as DateTimeOffset? ?? DateTimeOffset.UtcNow;
    }

    public async Task RecordFailureAsync(NpgsqlConnection connection, long id, string error, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"UPDATE {_outbox} SET attempts = attempts + 1, last_error = $2 WHERE id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = error.Length > 2000 ? error[..2000] : error });
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task CleanupAsync(NpgsqlConnection connection, DateTimeOffset now, OutboxOptions options, CancellationToken ct)
    {
        await using (var command = new NpgsqlCommand($"DELETE FROM {_outbox} WHERE sent_at < $1", connection))
        {
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now - options.SentRetention });
            await command.ExecuteNonQueryAsync(ct);
        }

        if (_processed is not null)
        {
            await using var command = new NpgsqlCommand($"DELETE FROM {_processed} WHERE processed_at < $1", connection);
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now - options.ProcessedRetention });
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>A pooled connection goes back to the pool: leave no lock or subscription on it.</summary>
    public static async Task ResetConnectionAsync(NpgsqlConnection connection)
    {
        if (connection.State != System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            await ExecuteAsync(connection, "UNLISTEN *; SELECT pg_advisory_unlock_all()", CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // Pooled connections are not reset on close (NoResetOnClose), so one that could not be
            // cleaned must not be reused: its session would keep the relay lock. Clearing the pool
            // discards it when it is returned; its session, and the lock, end with it.
            NpgsqlConnection.ClearPool(connection);
        }
    }

    public static async Task ExecuteAsync(NpgsqlConnection connection, string text, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(text, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>A server session: its backend process and when it began, which together name it (process ids are reused).</summary>
internal sealed record LockSession(int ProcessId, DateTime Started);

internal sealed record OutboxRow(long Id, Guid MessageId, string AggregateId, string MessageType, string Payload, string? TraceParent, DateTimeOffset CreatedAt);
