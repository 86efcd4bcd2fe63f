using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Commerce.Data;

/// <summary>PostgreSQL session advisory locks: one holder across every replica of a service.</summary>
public static class AdvisoryLocks
{
    /// <summary>The lock key for <paramref name="name"/>, the same in every process and version.</summary>
    public static long Key(string name) => BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes(name)), 0);

    /// <inheritdoc cref="RunExclusiveAsync{T}"/>
    public static Task RunExclusiveAsync(this DatabaseFacade database, string name, Func<Task> work, CancellationToken cancellationToken) =>
        database.RunExclusiveAsync(name, async () =>
        {
            await work();
            return true;
        }, cancellationToken);

    /// <summary>Runs <paramref name="work"/> while this session holds the lock <paramref name="name"/>, waiting for it first.</summary>
    public static async Task<T> RunExclusiveAsync<T>(this DatabaseFacade database, string name, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        var key = Key(name);
        await database.OpenConnectionAsync(cancellationToken);
        try
        {
            await database.ExecuteSqlAsync($"SELECT pg_advisory_lock({key})", cancellationToken);
            try
            {
                return await work();
            }
            finally
            {
                await database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({key})", CancellationToken.None);
            }
        }
        finally
        {
            await database.CloseConnectionAsync();
        }
    }
}
