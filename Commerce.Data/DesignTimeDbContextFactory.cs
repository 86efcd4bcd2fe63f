using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Commerce.Data;

/// <summary>
/// How <c>dotnet ef</c> builds a service's DbContext: with the Npgsql provider and no database,
/// so that <c>migrations add</c> needs neither the service's configuration nor a running server
/// (docs/development.md). Each service derives one for its context; EF finds it in the assembly.
/// </summary>
public abstract class DesignTimeDbContextFactory<TContext> : IDesignTimeDbContextFactory<TContext>
    where TContext : DbContext
{
    public TContext CreateDbContext(string[] args)
    {
        // Only the provider matters to the model; a command that does connect (database update)
        // takes the connection string given with --connection.
        var options = new DbContextOptionsBuilder<TContext>()
            .UseNpgsql("Host=localhost;Database=design_time")
            .Options;
        return (TContext)Activator.CreateInstance(typeof(TContext), options)!;
    }
}
