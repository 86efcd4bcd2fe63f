using System.Collections.Concurrent;
using Commerce.Data;
using Commerce.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Commerce.Tests.Foundation;

public sealed class MigrationTests
{
    [Fact]
    public async Task Replicas_starting_together_create_migrate_and_seed_the_database_once()
    {
        var servers = await TestServers.GetAsync();
        var connectionString = servers.Postgres.ConnectionString(PostgresServer.UniqueDatabaseName("replicas"));
        var replicas = new List<KestrelApp>();
        try
        {
            var starts = Enumerable.Range(0, 3).Select(_ => KestrelApp.StartServiceAsync(
                args =>
                {
                    var builder = WebApplication.CreateBuilder(args);
                    builder.AddNpgsqlDbContext<WebApplicationBuilder, ReplicaDbContext>("replicadb");
                    return builder.Build();
                },
                new Dictionary<string, string?> { ["ConnectionStrings:replicadb"] = connectionString },
                (app, ct) => app.MigrateDatabaseAsync<ReplicaDbContext>(async (db, _, token) =>
                {
                    if (!await db.Marks.AnyAsync(token))
                    {
                        db.Marks.Add(new Mark { Name = "seeded" });
                        await db.SaveChangesAsync(token);
                    }
                }, cancellationToken: ct)));
            replicas.AddRange(await Task.WhenAll(starts));

            await using var conn = new NpgsqlConnection(connectionString);
            await conn.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT count(*) FROM marks", conn);
            Assert.Equal(1L, await count.ExecuteScalarAsync());
            await using var history = new NpgsqlCommand("SELECT count(*) FROM \"__EFMigrationsHistory\"", conn);
            Assert.Equal(1L, await history.ExecuteScalarAsync());
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Migrating a new database logs no error: EF's failed read of a history table that did not exist yet
    /// showed as two red errors per service in the dashboard on every fresh start.
    /// </summary>
    [Fact]
    public async Task Migrating_a_new_database_logs_no_error()
    {
        var servers = await TestServers.GetAsync();
        var connectionString = servers.Postgres.ConnectionString(PostgresServer.UniqueDatabaseName("quietmigrate"));
        var errors = new ErrorLog();
        await using var app = await KestrelApp.StartServiceAsync(
            args =>
            {
                var builder = WebApplication.CreateBuilder(args);
                builder.Logging.AddProvider(errors);
                builder.AddNpgsqlDbContext<WebApplicationBuilder, ReplicaDbContext>("replicadb");
                return builder.Build();
            },
            new Dictionary<string, string?> { ["ConnectionStrings:replicadb"] = connectionString },
            (app, ct) => app.MigrateDatabaseAsync<ReplicaDbContext>(cancellationToken: ct));

        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var history = new NpgsqlCommand("SELECT count(*) FROM \"__EFMigrationsHistory\"", conn);
        Assert.Equal(1L, await history.ExecuteScalarAsync());
        Assert.True(errors.Entries.IsEmpty, $"errors logged while migrating:\n{string.Join('\n', errors.Entries)}");
    }

    private sealed class ErrorLog : ILoggerProvider
    {
        public ConcurrentQueue<string> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Entries);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    entries.Enqueue($"{category}: {formatter(state, exception)}");
                }
            }
        }
    }
}

public sealed class Mark
{
    public int Id { get; set; }
    public string Name { get; set; } = string.Empty;
}

public sealed class ReplicaDbContext(DbContextOptions<ReplicaDbContext> options) : DbContext(options)
{
    public DbSet<Mark> Marks => Set<Mark>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<Mark>(m =>
        {
            m.ToTable("marks");
            m.Property(x => x.Id).HasColumnName("id");
            m.Property(x => x.Name).HasColumnName("name");
        });
}

[DbContext(typeof(ReplicaDbContext))]
[Migration("20261121000000_CreateMarks")]
public sealed class CreateMarks : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.Sql("CREATE TABLE marks (id serial PRIMARY KEY, name text NOT NULL);");
}
