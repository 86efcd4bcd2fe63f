using Commerce.Catalog.Caching;
using Commerce.Catalog.Domain;
using Npgsql;
using NpgsqlTypes;

namespace Commerce.Catalog.Stock;

/// <summary>The outcome of a stock operation for an order. <see cref="Status"/> is null for an order never seen.</summary>
public sealed record ReservationOutcome(Guid OrderId, ReservationStatus? Status, bool Changed, IReadOnlyList<StockShortage> Shortages)
{
    public bool IsReserved => Status is ReservationStatus.Reserved;
}

/// <summary>
/// Reserves, commits and releases stock for orders. Each order's reservation is a row keyed by
/// the order id, claimed first in the same transaction as the stock change: a repeated or
/// concurrent request for the same order waits for the first and then reports its outcome, so an
/// operation applied twice changes nothing the second time. Product rows are locked in id order,
/// and a CHECK constraint keeps available stock at zero or above whatever happens.
/// </summary>
public sealed class StockReservations(
    [FromKeyedServices(CatalogApp.DatabaseName)] NpgsqlDataSource dataSource,
    ProductCache cache,
    TimeProvider time,
    ILogger<StockReservations> logger)
{
    /// <summary>Reserves every line or none; a rejection lists each short line and is final for the order.</summary>
    public async Task<ReservationOutcome> ReserveAsync(Guid orderId, IEnumerable<StockLine> lines, CancellationToken cancellationToken)
    {
        var wanted = StockRules.Normalize(lines);
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await ClaimAsync(connection, transaction, orderId, ReservationStatus.Reserved, now, cancellationToken))
        {
            await transaction.RollbackAsync(cancellationToken);
            return await ReadAsync(connection, orderId, cancellationToken);
        }

        var ids = wanted.Select(l => l.ProductId).ToArray();
        var quantities = wanted.Select(l => l.Quantity).ToArray();
        var available = new Dictionary<int, int>();
        await using (var lockRows = new NpgsqlCommand(
            "SELECT id, available_stock FROM products WHERE id = ANY($1) ORDER BY id FOR UPDATE", connection, transaction))
        {
            lockRows.Parameters.Add(new NpgsqlParameter { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
            await using var reader = await lockRows.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                available[reader.GetInt32(0)] = reader.GetInt32(1);
            }
        }

        var shortages = StockRules.FindShortages(wanted, available);
        var changed = new List<(int Id, int Version)>();
        if (shortages.Count > 0)
        {
            await SetStatusAsync(connection, transaction, orderId, ReservationStatus.Rejected, now, cancellationToken);
        }
        else
        {
            await using var take = new NpgsqlCommand("""
                UPDATE products p
                SET available_stock = p.available_stock - l.quantity,
                    reserved_stock = p.reserved_stock + l.quantity,
                    version = p.version + 1,
                    updated_at = $3
                FROM unnest($1::int[], $2::int[]) AS l(id, quantity)
                WHERE p.id = l.id
                RETURNING p.id, p.version
                """, connection, transaction);
            take.Parameters.Add(new NpgsqlParameter { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
            take.Parameters.Add(new NpgsqlParameter { Value = quantities, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
            take.Parameters.Add(new NpgsqlParameter { Value = now });
            changed = await ReadVersionsAsync(take, cancellationToken);
        }

        await using (var saveLines = new NpgsqlCommand("""
            INSERT INTO stock_reservation_lines (order_id, product_id, quantity, available, reason)
            SELECT $1, l.id, l.quantity, s.available, s.reason
            FROM unnest($2::int[], $3::int[]) AS l(id, quantity)
            LEFT JOIN unnest($4::int[], $5::int[], $6::text[]) AS s(id, available, reason) ON s.id = l.id
            """, connection, transaction))
        {
            saveLines.Parameters.Add(new NpgsqlParameter { Value = orderId });
            saveLines.Parameters.Add(new NpgsqlParameter { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
            saveLines.Parameters.Add(new NpgsqlParameter { Value = quantities, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
            saveLines.Parameters.Add(new NpgsqlParameter { Value = shortages.Select(s => s.ProductId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
            saveLines.Parameters.Add(new NpgsqlParameter { Value = shortages.Select(s => s.Available).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
            saveLines.Parameters.Add(new NpgsqlParameter { Value = shortages.Select(s => s.Reason).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            await saveLines.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        await cache.InvalidateManyAsync(changed);
        var status = shortages.Count > 0 ? ReservationStatus.Rejected : ReservationStatus.Reserved;
        logger.LogInformation("Stock for order {OrderId}: {Status} ({Lines} lines, {Shortages} short)", orderId, status, wanted.Count, shortages.Count);
        return new ReservationOutcome(orderId, status, Changed: true, shortages);
    }

    /// <summary>The order was paid: the reserved units leave the shelf for good.</summary>
    public Task<ReservationOutcome> CommitAsync(Guid orderId, CancellationToken cancellationToken) =>
        FinishAsync(orderId, ReservationStatus.Committed, """
            UPDATE products p
            SET reserved_stock = p.reserved_stock - l.quantity, updated_at = $2
            FROM stock_reservation_lines l
            WHERE l.order_id = $1 AND p.id = l.product_id
            RETURNING p.id, p.version
            """, cancellationToken);

    /// <summary>
    /// The order was cancelled, its payment failed or timed out: the units go back on sale. A
    /// release that arrives before its reservation is recorded, so the late reservation takes nothing.
    /// </summary>
    public Task<ReservationOutcome> ReleaseAsync(Guid orderId, CancellationToken cancellationToken) =>
        FinishAsync(orderId, ReservationStatus.Released, """
            UPDATE products p
            SET available_stock = p.available_stock + l.quantity,
                reserved_stock = p.reserved_stock - l.quantity,
                version = p.version + 1,
                updated_at = $2
            FROM stock_reservation_lines l
            WHERE l.order_id = $1 AND p.id = l.product_id
            RETURNING p.id, p.version
            """, cancellationToken);

    public async Task<ReservationOutcome> GetAsync(Guid orderId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReadAsync(connection, orderId, cancellationToken);
    }

    private async Task<ReservationOutcome> FinishAsync(Guid orderId, ReservationStatus target, string moveStockSql, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        bool moved;
        await using (var transition = new NpgsqlCommand(
            "UPDATE stock_reservations SET status = $2, updated_at = $3 WHERE order_id = $1 AND status = 'Reserved'", connection, transaction))
        {
            transition.Parameters.Add(new NpgsqlParameter { Value = orderId });
            transition.Parameters.Add(new NpgsqlParameter { Value = target.ToString() });
            transition.Parameters.Add(new NpgsqlParameter { Value = now });
            moved = await transition.ExecuteNonQueryAsync(cancellationToken) == 1;
        }

        if (!moved)
        {
            var releasedUnknown = target == ReservationStatus.Released
                && await ClaimAsync(connection, transaction, orderId, ReservationStatus.Released, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (releasedUnknown)
            {
                logger.LogInformation("Release for order {OrderId} arrived before any reservation; recorded so a late reservation takes nothing", orderId);
                return new ReservationOutcome(orderId, ReservationStatus.Released, Changed: true, []);
            }

            // Repeated (same target) or not allowed from where it stands: either way nothing changes.
            return await ReadAsync(connection, orderId, cancellationToken) with { Changed = false };
        }

        await using var move = new NpgsqlCommand(moveStockSql, connection, transaction);
        move.Parameters.Add(new NpgsqlParameter { Value = orderId });
        move.Parameters.Add(new NpgsqlParameter { Value = now });
        var changed = await ReadVersionsAsync(move, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (target == ReservationStatus.Released)
        {
            await cache.InvalidateManyAsync(changed);
        }

        logger.LogInformation("Stock for order {OrderId}: {Status}", orderId, target);
        return new ReservationOutcome(orderId, target, Changed: true, []);
    }

    /// <summary>Inserts the order's reservation row; false when the order already has one.</summary>
    private static async Task<bool> ClaimAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid orderId,
        ReservationStatus status, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var claim = new NpgsqlCommand("""
            INSERT INTO stock_reservations (order_id, status, created_at, updated_at) VALUES ($1, $2, $3, $3)
            ON CONFLICT (order_id) DO NOTHING
            """, connection, transaction);
        claim.Parameters.Add(new NpgsqlParameter { Value = orderId });
        claim.Parameters.Add(new NpgsqlParameter { Value = status.ToString() });
        claim.Parameters.Add(new NpgsqlParameter { Value = now });
        return await claim.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static async Task SetStatusAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid orderId,
        ReservationStatus status, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var update = new NpgsqlCommand("UPDATE stock_reservations SET status = $2, updated_at = $3 WHERE order_id = $1", connection, transaction);
        update.Parameters.Add(new NpgsqlParameter { Value = orderId });
        update.Parameters.Add(new NpgsqlParameter { Value = status.ToString() });
        update.Parameters.Add(new NpgsqlParameter { Value = now });
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<ReservationOutcome> ReadAsync(NpgsqlConnection connection, Guid orderId, CancellationToken cancellationToken)
    {
        await using var read = new NpgsqlCommand("""
            SELECT r.status, l.product_id, l.quantity, l.available, l.reason
            FROM stock_reservations r LEFT JOIN stock_reservation_lines l ON l.order_id = r.order_id
            WHERE r.order_id = $1
            ORDER BY l.product_id
            """, connection);
        read.Parameters.Add(new NpgsqlParameter { Value = orderId });
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        ReservationStatus? status = null;
        var shortages = new List<StockShortage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            status = Enum.Parse<ReservationStatus>(reader.GetString(0));
            if (!reader.IsDBNull(4))
            {
                shortages.Add(new StockShortage(reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetString(4)));
            }
        }

        return new ReservationOutcome(orderId, status, Changed: false, shortages);
    }

    private static async Task<List<(int Id, int Version)>> ReadVersionsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var versions = new List<(int, int)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add((reader.GetInt32(0), reader.GetInt32(1)));
        }

        return versions;
    }
}
