using Commerce.Messaging.Idempotency;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Commerce.Messaging.Outbox;

/// <summary>Maps and creates the outbox and processed-message tables, and writes to the outbox.</summary>
public static class OutboxDbContextExtensions
{
    public const string DefaultOutboxTable = "outbox_messages";
    public const string DefaultProcessedTable = "processed_messages";

    /// <summary>
    /// Adds <paramref name="event"/> to the outbox of <paramref name="db"/>: it is saved by the next
    /// <c>SaveChanges</c>, in the same transaction as the change it reports, and published after commit.
    /// </summary>
    public static OutboxMessage AddOutboxMessage<TEvent>(this DbContext db, string aggregateId, TEvent @event)
        where TEvent : class
    {
        var message = OutboxMessage.Create(aggregateId, @event);
        db.Set<OutboxMessage>().Add(message);
        return message;
    }

    /// <summary>
    /// Adds <paramref name="event"/> to the outbox unless an event with the same
    /// <see cref="Commerce.Contracts.IntegrationEvent.EventId"/> is there already. For replies whose
    /// id is derived from what they answer: a redelivered request writes the same reply once.
    /// </summary>
    public static async Task AddOutboxMessageOnceAsync<TEvent>(this DbContext db, string aggregateId, TEvent @event, CancellationToken cancellationToken)
        where TEvent : Commerce.Contracts.IntegrationEvent
    {
        if (!await db.Set<OutboxMessage>().AnyAsync(m => m.MessageId == @event.EventId, cancellationToken))
        {
            db.AddOutboxMessage(aggregateId, @event);
        }
    }

    /// <summary>Maps <see cref="OutboxMessage"/>; create the table with <see cref="CreateOutboxTable"/>.</summary>
    public static ModelBuilder MapOutbox(this ModelBuilder modelBuilder, string table = DefaultOutboxTable, string? schema = null)
    {
        modelBuilder.Entity<OutboxMessage>(e =>
        {
            e.ToTable(table, schema);
            e.HasKey(m => m.Id).HasName($"pk_{table}");
            e.Property(m => m.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            e.Property(m => m.MessageId).HasColumnName("message_id");
            e.Property(m => m.AggregateId).HasColumnName("aggregate_id").HasMaxLength(200);
            e.Property(m => m.MessageType).HasColumnName("message_type").HasMaxLength(500);
            e.Property(m => m.Payload).HasColumnName("payload").HasColumnType("jsonb");
            e.Property(m => m.OccurredAt).HasColumnName("occurred_at");
            e.Property(m => m.CreatedAt).HasColumnName("created_at");
            e.Property(m => m.SentAt).HasColumnName("sent_at");
            e.Property(m => m.Attempts).HasColumnName("attempts");
            e.Property(m => m.LastError).HasColumnName("last_error");
            e.Property(m => m.TraceParent).HasColumnName("trace_parent").HasMaxLength(100);
        });
        return modelBuilder;
    }

    /// <summary>Maps <see cref="ProcessedMessage"/>; create the table with <see cref="CreateProcessedMessagesTable"/>.</summary>
    public static ModelBuilder MapProcessedMessages(this ModelBuilder modelBuilder, string table = DefaultProcessedTable, string? schema = null)
    {
        modelBuilder.Entity<ProcessedMessage>(e =>
        {
            e.ToTable(table, schema);
            e.HasKey(m => new { m.ConsumerName, m.MessageId }).HasName($"pk_{table}");
            e.Property(m => m.ConsumerName).HasColumnName("consumer_name").HasMaxLength(300);
            e.Property(m => m.MessageId).HasColumnName("message_id");
            e.Property(m => m.ProcessedAt).HasColumnName("processed_at");
        });
        return modelBuilder;
    }

    /// <summary>
    /// Creates the outbox table in a hand-written migration. Besides the mapped columns it records
    /// the writing transaction's id, which the relay orders by and uses to read only rows no
    /// running transaction can still precede, and a trigger that wakes the relay on commit.
    /// </summary>
    public static MigrationBuilder CreateOutboxTable(this MigrationBuilder migrationBuilder, string table = DefaultOutboxTable, string? schema = null)
    {
        var name = QualifiedName(table, schema);
        var function = QualifiedName($"{table}_notify", schema);
        migrationBuilder.Sql($"""
            CREATE TABLE {name} (
                id bigint GENERATED ALWAYS AS IDENTITY,
                message_id uuid NOT NULL,
                aggregate_id varchar(200) NOT NULL,
                message_type varchar(500) NOT NULL,
                payload jsonb NOT NULL,
                occurred_at timestamptz NOT NULL,
                created_at timestamptz NOT NULL,
                sent_at timestamptz NULL,
                attempts integer NOT NULL DEFAULT 0,
                last_error text NULL,
                trace_parent varchar(100) NULL,
                transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
                CONSTRAINT {Quote($"pk_{table}")} PRIMARY KEY (id)
            );
            CREATE INDEX {Quote($"ix_{table}_unsent")} ON {name} (transaction_id, id) WHERE sent_at IS NULL;
            CREATE INDEX {Quote($"ix_{table}_sent_at")} ON {name} (sent_at) WHERE sent_at IS NOT NULL;
            {MessageIdIndexSql(table, schema)}
            CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify({Literal(NotificationChannel(table, schema))}, '');
                RETURN NULL;
            END $$;
            CREATE TRIGGER {Quote($"{table}_notify")} AFTER INSERT ON {name}
                FOR EACH STATEMENT EXECUTE FUNCTION {function}();
            """);
        return migrationBuilder;
    }

    /// <summary>
    /// The index <see cref="AddOutboxMessageOnceAsync"/> looks a message up by. Outbox tables created
    /// before it existed get it from a migration of their own; without it every lookup read every
    /// row kept for the retention period (50,000 rows per lookup in the load test).
    /// </summary>
    public static MigrationBuilder CreateOutboxMessageIdIndex(this MigrationBuilder migrationBuilder, string table = DefaultOutboxTable, string? schema = null)
    {
        migrationBuilder.Sql(MessageIdIndexSql(table, schema));
        return migrationBuilder;
    }

    // Not unique: a table written before the index may hold a message twice, and must still migrate.
    private static string MessageIdIndexSql(string table, string? schema) =>
        $"CREATE INDEX IF NOT EXISTS {Quote($"ix_{table}_message_id")} ON {QualifiedName(table, schema)} (message_id);";

    public static MigrationBuilder CreateProcessedMessagesTable(this MigrationBuilder migrationBuilder, string table = DefaultProcessedTable, string? schema = null)
    {
        var name = QualifiedName(table, schema);
        migrationBuilder.Sql($"""
            CREATE TABLE {name} (
                consumer_name varchar(300) NOT NULL,
                message_id uuid NOT NULL,
                processed_at timestamptz NOT NULL,
                CONSTRAINT {Quote($"pk_{table}")} PRIMARY KEY (consumer_name, message_id)
            );
            CREATE INDEX {Quote($"ix_{table}_processed_at")} ON {name} (processed_at);
            """);
        return migrationBuilder;
    }

    /// <summary>The LISTEN/NOTIFY channel the outbox trigger signals on.</summary>
    public static string NotificationChannel(string table, string? schema) => schema is null ? table : $"{schema}.{table}";

    internal static (string Table, string? Schema) TableOf<TEntity>(DbContext db)
    {
        var entity = db.Model.FindEntityType(typeof(TEntity))
            ?? throw new InvalidOperationException(
                $"{db.GetType().Name} does not map {typeof(TEntity).Name}. Call modelBuilder.{(typeof(TEntity) == typeof(OutboxMessage) ? nameof(MapOutbox) : nameof(MapProcessedMessages))}() in OnModelCreating.");
        return (entity.GetTableName()!, entity.GetSchema());
    }

    internal static string QualifiedName(string table, string? schema) => schema is null ? Quote(table) : $"{Quote(schema)}.{Quote(table)}";

    internal static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    internal static bool Maps<TEntity>(DbContext db) => db.Model.FindEntityType(typeof(TEntity)) is IEntityType;
}
