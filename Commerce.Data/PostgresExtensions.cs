using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Commerce.Data;

public static class PostgresExtensions
{
    /// <summary>
    /// A pooled DbContext on <c>ConnectionStrings:{name}</c>, over the keyed <see cref="NpgsqlDataSource"/>
    /// that Aspire.Npgsql registers with its health check (<c>postgres-{name}</c>), tracing and metrics
    /// (settings under <c>Aspire:Npgsql:{name}</c>). The DbContext and the hand-written SQL share that
    /// one bounded pool (<see cref="WithConnectionDefaults"/>), which Aspire's own AddNpgsqlDbContext,
    /// given only a connection string, would not; nor is its retrying execution strategy used: it
    /// refuses the transactions the outbox writes in. A PostgreSQL outage then answers 503
    /// (<see cref="PostgresUnavailableExceptionHandler"/>).
    /// </summary>
    public static TBuilder AddNpgsqlDbContext<TBuilder, TContext>(this TBuilder builder, string connectionName,
        Action<DbContextOptionsBuilder>? configure = null)
        where TBuilder : IHostApplicationBuilder
        where TContext : DbContext
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{connectionName} is not set. Set environment variable ConnectionStrings__{connectionName} to Host=…;Port=…;Username=…;Password=…;Database=….");
        }

        builder.AddKeyedNpgsqlDataSource(connectionName, settings => settings.ConnectionString = WithConnectionDefaults(connectionString));
        builder.Services.ConfigureHealthCheck($"PostgreSql_{connectionName}", $"postgres-{connectionName}", HealthStatus.Unhealthy, ["ready", "postgres"], TimeSpan.FromSeconds(5));
        // Npgsql hides the password of a connection string it has opened; migrations need the
        // original to create the database.
        builder.Services.AddSingleton(new DatabaseConnection<TContext>(connectionString));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IExceptionHandler, PostgresUnavailableExceptionHandler>());
        builder.Services.AddDbContextPool<TContext>((sp, o) =>
        {
            o.UseNpgsql(sp.GetRequiredKeyedService<NpgsqlDataSource>(connectionName));
            o.AddInterceptors(FailedStatementInterceptor.Instance);
            // A model that differs from its migrations' snapshot is caught by a test
            // (ModelSnapshotTests), not by refusing to start in production.
            o.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
            configure?.Invoke(o);
        });
        return builder;
    }

    /// <summary>Statements prepared per pooled connection; a service repeats a few dozen at most.</summary>
    public const int MaxAutoPreparedStatements = 64;

    /// <summary>A statement is prepared on a connection from its second use there.</summary>
    public const int AutoPrepareMinUsages = 2;

    /// <summary>
    /// Connections one service instance opens at most. Npgsql's own default (100) lets three services
    /// under load ask for more than PostgreSQL's default 100 connections, which it refuses ("too many
    /// clients"); a request waiting a moment for a pooled connection is better than a 503, and two
    /// cores run no more than a few queries at once anyway.
    /// </summary>
    public const int MaxPoolSize = 25;

    /// <summary>
    /// How long PostgreSQL lets one of the services' sessions sit inside an open transaction without a
    /// statement before it ends the session. A client that stops mid-transaction (a frozen process, a
    /// connection left half-open by the network) otherwise keeps its transaction open for ever, and an
    /// open transaction holds back every outbox row committed after it began: no event would leave
    /// until someone ended it by hand. The shop's own transactions run statement after statement, for
    /// milliseconds.
    /// </summary>
    public static readonly TimeSpan IdleInTransactionTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Automatic statement preparation (without it PostgreSQL parses and plans every EF query and
    /// insert again: over a third of its CPU under load, docs/performance.md), a bounded pool, no
    /// reset round on every reuse of a pooled connection, and an end to transactions left idle
    /// (<see cref="IdleInTransactionTimeout"/>).
    /// Only defaults: a connection string that sets one of them keeps its own value (an operator's
    /// <c>Max Auto Prepare=0</c> behind a pooler that cannot keep prepared statements, say).
    /// </summary>
    public static string WithConnectionDefaults(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Mentions(given, nameof(NpgsqlConnectionStringBuilder.MaxAutoPrepare)))
        {
            settings.MaxAutoPrepare = MaxAutoPreparedStatements;
        }

        if (!Mentions(given, nameof(NpgsqlConnectionStringBuilder.AutoPrepareMinUsages)))
        {
            settings.AutoPrepareMinUsages = AutoPrepareMinUsages;
        }

        if (!Mentions(given, nameof(NpgsqlConnectionStringBuilder.MaxPoolSize), "Maximum Pool Size"))
        {
            settings.MaxPoolSize = MaxPoolSize;
        }

        // Npgsql otherwise resets every pooled connection on its next use (seven statements: RESET
        // ALL, UNLISTEN *, pg_advisory_unlock_all, DISCARD …), about one per request. Nothing here
        // leaves session state behind: advisory locks are released and LISTEN undone explicitly.
        if (!Mentions(given, nameof(NpgsqlConnectionStringBuilder.NoResetOnClose)))
        {
            settings.NoResetOnClose = true;
        }

        // Sent at connection start-up, so it also survives a pooled connection's RESET ALL. A connection
        // string with Options of its own (behind a pooler that refuses start-up options, say) keeps them.
        if (!Mentions(given, nameof(NpgsqlConnectionStringBuilder.Options)))
        {
            settings.Options = $"-c idle_in_transaction_session_timeout={(long)IdleInTransactionTimeout.TotalMilliseconds}";
        }

        return settings.ConnectionString;
    }

    // Npgsql accepts a keyword with or without spaces, in any case ("Max Auto Prepare", "maxautoprepare").
    private static bool Mentions(System.Data.Common.DbConnectionStringBuilder given, params string[] names) =>
        given.Keys.Cast<string>().Any(k => names.Any(n =>
            string.Equals(k.Replace(" ", string.Empty), n.Replace(" ", string.Empty), StringComparison.OrdinalIgnoreCase)));

    /// <summary>
    /// Creates the database if needed, then migrates and seeds it under a PostgreSQL advisory lock,
    /// so replicas starting together do the work once. Waits for the server for up to
    /// <paramref name="waitForServer"/>: under an orchestrator the database may start after us.
    /// </summary>
    public static async Task MigrateDatabaseAsync<TContext>(this WebApplication app,
        Func<TContext, IServiceProvider, CancellationToken, Task>? seed = null,
        TimeSpan? waitForServer = null,
        CancellationToken cancellationToken = default)
        where TContext : DbContext
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Commerce.Migrations");
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var connectionString = app.Services.GetService<DatabaseConnection<TContext>>()?.ConnectionString
            ?? db.Database.GetConnectionString()
            ?? throw new InvalidOperationException($"{typeof(TContext).Name} has no connection string.");

        var deadline = DateTime.UtcNow + (waitForServer ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                await EnsureDatabaseExistsAsync(connectionString, cancellationToken);
                break;
            }
            catch (NpgsqlException ex) when (DateTime.UtcNow < deadline && ex.IsTransient)
            {
                logger.LogWarning("PostgreSQL is not reachable yet ({Message}); retrying", ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }

        await db.Database.RunExclusiveAsync(typeof(TContext).FullName!, async () =>
        {
            // Npgsql's provider reads the history table without asking whether it exists, and EF logs the
            // failed read as an error on a new database; made first, the table is always there to read.
            await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            if (pending.Count > 0)
            {
                logger.LogInformation("Applying migrations {Migrations} to {Context}", pending, typeof(TContext).Name);
                await db.Database.MigrateAsync(cancellationToken);
            }

            if (seed is not null)
            {
                await seed(db, scope.ServiceProvider, cancellationToken);
            }
        }, cancellationToken);
    }

    private static async Task EnsureDatabaseExistsAsync(string connectionString, CancellationToken cancellationToken)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var database = target.Database ?? throw new InvalidOperationException("The connection string names no Database.");
        var admin = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
        await using var conn = new NpgsqlConnection(admin.ConnectionString);
        await conn.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", conn) { Parameters = { new() { Value = database } } };
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
        {
            return;
        }

        try
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"")}\"", conn);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another replica created it first.
        }
    }

}

/// <summary>The connection string a DbContext was registered with, as configured.</summary>
public sealed record DatabaseConnection<TContext>(string ConnectionString) where TContext : DbContext;
