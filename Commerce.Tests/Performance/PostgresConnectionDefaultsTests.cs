using Commerce.Data;
using Commerce.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Commerce.Tests.Performance;

/// <summary>
/// The services' PostgreSQL statements are prepared once per connection instead of parsed and
/// planned on every call (the load test's biggest PostgreSQL cost), and their pools stay below
/// PostgreSQL's connection limit.
/// </summary>
public sealed class PostgresConnectionDefaultsTests
{
    [Fact]
    public void Preparation_and_a_bounded_pool_are_on_unless_the_connection_string_says_otherwise()
    {
        var plain = new NpgsqlConnectionStringBuilder(PostgresExtensions.WithConnectionDefaults("Host=db;Username=u;Password=p;Database=d"));
        Assert.Equal(PostgresExtensions.MaxAutoPreparedStatements, plain.MaxAutoPrepare);
        Assert.Equal(PostgresExtensions.AutoPrepareMinUsages, plain.AutoPrepareMinUsages);
        Assert.Equal(PostgresExtensions.MaxPoolSize, plain.MaxPoolSize);
        Assert.True(plain.NoResetOnClose);
        Assert.Equal("-c idle_in_transaction_session_timeout=60000", plain.Options);
        Assert.Equal("p", plain.Password);

        var off = new NpgsqlConnectionStringBuilder(PostgresExtensions.WithConnectionDefaults("Host=db;Database=d;Max Auto Prepare=0;Maximum Pool Size=100;No Reset On Close=false"));
        Assert.Equal(0, off.MaxAutoPrepare);
        Assert.False(off.NoResetOnClose);
        Assert.Equal(100, off.MaxPoolSize);

        var own = new NpgsqlConnectionStringBuilder(PostgresExtensions.WithConnectionDefaults("Host=db;Database=d;maxautoprepare=10;Auto Prepare Min Usages=7;MaxPoolSize=40"));
        Assert.Equal(10, own.MaxAutoPrepare);
        Assert.Equal(7, own.AutoPrepareMinUsages);
        Assert.Equal(40, own.MaxPoolSize);

        var options = new NpgsqlConnectionStringBuilder(PostgresExtensions.WithConnectionDefaults("Host=db;Database=d;Options=-c search_path=shop"));
        Assert.Equal("-c search_path=shop", options.Options);
    }

    [Fact]
    public async Task A_repeated_EF_query_of_a_service_is_prepared_on_its_connection()
    {
        var servers = await TestServers.GetAsync();
        var connectionString = servers.Postgres.ConnectionString(PostgresServer.UniqueDatabaseName("prepare"));

        Assert.Equal(1L, await PreparedMarkQueriesAsync(connectionString));
        // The control: the same queries with preparation switched off are parsed every time.
        Assert.Equal(0L, await PreparedMarkQueriesAsync(connectionString + ";Max Auto Prepare=0"));
    }

    /// <summary>Runs one LINQ query three times on one connection of a service's DbContext; counts its prepared statements.</summary>
    private static async Task<long> PreparedMarkQueriesAsync(string connectionString)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["ConnectionStrings:preparedb"] = connectionString;
        builder.AddNpgsqlDbContext<WebApplicationBuilder, PrepareDbContext>("preparedb");
        await using var app = builder.Build();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PrepareDbContext>();
        await db.Database.EnsureCreatedAsync();
        await db.Database.OpenConnectionAsync();
        try
        {
            foreach (var name in new[] { "a", "b", "c" })
            {
                await db.Marks.CountAsync(m => m.Name == name);
            }

            await using var count = new NpgsqlCommand(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%FROM marks%' AND statement NOT LIKE '%pg_prepared_statements%'",
                (NpgsqlConnection)db.Database.GetDbConnection());
            return (long)(await count.ExecuteScalarAsync())!;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public sealed class PrepareDbContext(DbContextOptions<PrepareDbContext> options) : DbContext(options)
    {
        public DbSet<PreparedMark> Marks => Set<PreparedMark>();

        protected override void OnModelCreating(ModelBuilder modelBuilder) =>
            modelBuilder.Entity<PreparedMark>(e =>
            {
                e.ToTable("marks");
                e.Property(m => m.Id).HasColumnName("id");
                e.Property(m => m.Name).HasColumnName("name");
            });
    }

    public sealed class PreparedMark
    {
        public int Id { get; set; }
        public string Name { get; set; } = string.Empty;
    }
}
