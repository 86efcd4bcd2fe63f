using Commerce.Tests.Catalog;
using Npgsql;

namespace Commerce.Tests.Performance;

/// <summary>
/// A consumer that publishes "once" looks its event up in the outbox, which keeps every sent
/// message for the retention period: the look-up must use an index, not read every row (it read
/// 50,000 rows per order in the load test before the index existed).
/// </summary>
public sealed class OutboxLookupTests(CatalogService catalog) : IClassFixture<CatalogService>
{
    [Fact]
    public async Task Looking_a_message_up_in_a_full_outbox_uses_the_message_id_index()
    {
        await using var dataSource = NpgsqlDataSource.Create(catalog.ConnectionString);
        await using (var fill = dataSource.CreateCommand("""
            INSERT INTO outbox_messages (message_id, aggregate_id, message_type, payload, occurred_at, created_at, sent_at)
            SELECT gen_random_uuid(), 'lookup-test', 'Test', '{}', now(), now(), now() FROM generate_series(1, 20000);
            ANALYZE outbox_messages;
            """))
        {
            await fill.ExecuteNonQueryAsync();
        }

        try
        {
            // What AddOutboxMessageOnceAsync's AnyAsync sends, as a generic plan (prepared statements end up there).
            await using var connection = await dataSource.OpenConnectionAsync();
            await using (var generic = new NpgsqlCommand("SET plan_cache_mode = force_generic_plan", connection))
            {
                await generic.ExecuteNonQueryAsync();
            }

            await using var explain = new NpgsqlCommand("EXPLAIN SELECT EXISTS (SELECT 1 FROM outbox_messages AS o WHERE o.message_id = $1)", connection);
            explain.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = Guid.NewGuid() });
            var plan = new List<string>();
            await using (var reader = await explain.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    plan.Add(reader.GetString(0));
                }
            }

            Assert.True(plan.Any(line => line.Contains("ix_outbox_messages_message_id", StringComparison.Ordinal)), string.Join('\n', plan));
        }
        finally
        {
            await using var clean = dataSource.CreateCommand("DELETE FROM outbox_messages WHERE aggregate_id = 'lookup-test'");
            await clean.ExecuteNonQueryAsync();
        }
    }
}
