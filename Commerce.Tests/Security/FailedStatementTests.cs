using Commerce.Data;
using Commerce.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Commerce.Tests.Security;

/// <summary>
/// A statement PostgreSQL refuses must not leave its pooled connection unable to serve the next,
/// valid request (<see cref="FailedStatements"/>): each case runs on a pool of one connection, with
/// the failing statement already auto-prepared there, as on a busy service.
/// </summary>
public sealed class FailedStatementTests
{
    // Npgsql prepares a statement on its second use on a connection (AutoPrepareMinUsages = 2):
    // each case has PostgreSQL refuse that second use, the one that prepares it.

    [Theory]
    [InlineData("x\0y", "22021")]
    [InlineData("far too long", "22001")]
    public async Task After_a_refused_insert_the_same_insert_succeeds_on_that_connection(string refusedName, string sqlState)
    {
        await using var app = await StartAsync();
        await AddAsync(app, "a");

        var refused = await Assert.ThrowsAsync<DbUpdateException>(() => AddAsync(app, refusedName));
        Assert.Contains(sqlState, refused.ToString());

        for (var i = 0; i < 3; i++)
        {
            await AddAsync(app, $"ok{i}");
        }

        Assert.Equal(["a", "ok0", "ok1", "ok2"], await NamesAsync(app));
    }

    [Fact]
    public async Task After_a_refused_query_the_same_query_answers_on_that_connection()
    {
        await using var app = await StartAsync();
        await AddAsync(app, "a");
        Assert.Equal(1, await CountAsync(app, "a"));

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => CountAsync(app, "a\0b"));
        Assert.Contains("22021", refused.ToString());

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(1, await CountAsync(app, "a"));
        }
    }

    private static async Task<WebApplication> StartAsync()
    {
        var servers = await TestServers.GetAsync();
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["ConnectionStrings:labelsdb"] =
            servers.Postgres.ConnectionString(PostgresServer.UniqueDatabaseName("failed")) + ";Maximum Pool Size=1";
        builder.AddNpgsqlDbContext<WebApplicationBuilder, LabelDbContext>("labelsdb");
        var app = builder.Build();
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<LabelDbContext>().Database.EnsureCreatedAsync();
        return app;
    }

    private static async Task AddAsync(WebApplication app, string name)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LabelDbContext>();
        db.Labels.Add(new Label { Name = name });
        await db.SaveChangesAsync();
    }

    private static async Task<int> CountAsync(WebApplication app, string name)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<LabelDbContext>().Labels.CountAsync(l => l.Name == name);
    }

    private static async Task<List<string>> NamesAsync(WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<LabelDbContext>().Labels.OrderBy(l => l.Id).Select(l => l.Name).ToListAsync();
    }

    public sealed class LabelDbContext(DbContextOptions<LabelDbContext> options) : DbContext(options)
    {
        public DbSet<Label> Labels => Set<Label>();

        protected override void OnModelCreating(ModelBuilder modelBuilder) =>
            modelBuilder.Entity<Label>(e =>
            {
                e.ToTable("labels");
                e.Property(l => l.Id).HasColumnName("id");
                e.Property(l => l.Name).HasColumnName("name").HasMaxLength(5);
            });
    }

    public sealed class Label
    {
        public int Id { get; set; }
        public string Name { get; set; } = string.Empty;
    }
}
