using Commerce.BackgroundLoops;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Commerce.Ordering.Orders;

/// <summary>
/// Holds one connection that LISTENs on <c>order_status</c>, where PostgreSQL announces every status
/// change at commit (the trigger of migration OrderStatusNotifications), and hands each to
/// <see cref="OrderStatusChanges"/>. A lost connection is retried with back-off, shown in
/// <c>/health</c> as <see cref="HealthCheckName"/>; meanwhile reads answer at once.
/// </summary>
public sealed partial class OrderStatusListener(
    [FromKeyedServices(OrderStatusListener.ConnectionName)] NpgsqlDataSource dataSource, OrderStatusChanges changes,
    LoopStatuses loops, TimeProvider clock, ILogger<OrderStatusListener> logger) : BackgroundService
{
    public const string HealthCheckName = "order-status-listener";
    public const string ConnectionName = "orderingdb";
    public const string Channel = "order_status";

    /// <summary>How long the connection may sit quiet before it is checked with a statement.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(15);

    private NpgsqlConnection? _connection;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        BackgroundLoop.RunAsync(loops.For(HealthCheckName), new Backoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10)), async ct =>
        {
            try
            {
                await ListenAsync(ct);
                return TimeSpan.Zero;
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                await DropConnectionAsync();
                throw;
            }
        }, clock, logger, stoppingToken);

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        if (_connection is null)
        {
            var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            connection.Notification += (_, e) =>
            {
                if (Guid.TryParse(e.Payload, out var orderId))
                {
                    changes.Announce(orderId);
                }
            };
            await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
            {
                await listen.ExecuteNonQueryAsync(cancellationToken);
            }

            _connection = connection;
            changes.Listening(true);
            LogListening(logger, Channel);
        }

        if (!await _connection.WaitAsync(Quiet, cancellationToken))
        {
            // A peer that vanished without closing the socket is found by talking to it.
            await using var ping = new NpgsqlCommand("SELECT 1", _connection);
            await ping.ExecuteScalarAsync(cancellationToken);
        }
    }

    private async Task DropConnectionAsync()
    {
        changes.Listening(false);
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await DropConnectionAsync();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for order status changes on {Channel}")]
    private static partial void LogListening(ILogger logger, string channel);
}
