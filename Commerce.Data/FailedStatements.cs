using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Commerce.Data;

/// <summary>
/// Every service's connections auto-prepare the statements they repeat
/// (<see cref="PostgresExtensions.MaxAutoPreparedStatements"/>). When PostgreSQL refuses such a
/// statement (a NUL in text, a value too long for its column, a constraint), Npgsql can keep its
/// bookkeeping of the statement wrong, and a later, valid request that draws the same pooled
/// connection fails instead ("Received unexpected backend message DataRow", or the statement used
/// with another's row description; npgsql/npgsql#6391 is still open). One bad request must not
/// break an innocent one: a statement PostgreSQL refused is unprepared on its connection, and is
/// prepared afresh when it is next used there.
/// </summary>
public static class FailedStatements
{
    public static async Task ForgetAsync(DbCommand command, Exception error)
    {
        if (error is not PostgresException || command is not NpgsqlCommand { Connection.State: ConnectionState.Open } statement)
        {
            return;
        }

        try
        {
            // Not the request's token: the connection must be left sound even when the request is gone.
            await statement.UnprepareAsync(CancellationToken.None);
        }
        catch (NpgsqlException)
        {
            // The connection itself is broken, and Npgsql does not return a broken one to the pool.
        }
    }
}

/// <summary>Applies <see cref="FailedStatements"/> to every command a DbContext sends.</summary>
public sealed class FailedStatementInterceptor : DbCommandInterceptor
{
    public static readonly FailedStatementInterceptor Instance = new();

    private FailedStatementInterceptor()
    {
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) =>
        FailedStatements.ForgetAsync(command, eventData.Exception).GetAwaiter().GetResult();

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default) =>
        FailedStatements.ForgetAsync(command, eventData.Exception);
}
