using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Commerce.Web.Data.Migrations;

/// <summary>
/// Server-side sessions (sign-out ends them), and sign-in throttling counted per client and per
/// e-mail-and-client instead of a lock on the account that anybody could trigger.
/// </summary>
[DbContext(typeof(IdentityDb))]
[Migration("20261130150000_SessionsAndThrottle")]
public sealed partial class SessionsAndThrottle : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE TABLE sessions (
                id uuid PRIMARY KEY,
                account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
                created_at timestamptz NOT NULL,
                expires_at timestamptz NOT NULL
            );
            CREATE INDEX ix_sessions_account_id ON sessions (account_id);
            CREATE TABLE sign_in_throttle (
                key text PRIMARY KEY,
                attempts integer NOT NULL,
                window_start timestamptz NOT NULL
            );
            ALTER TABLE accounts DROP COLUMN access_failed_count, DROP COLUMN lockout_end;
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("""
        DROP TABLE sessions;
        DROP TABLE sign_in_throttle;
        ALTER TABLE accounts ADD COLUMN access_failed_count integer NOT NULL DEFAULT 0, ADD COLUMN lockout_end timestamptz NULL;
        """);
}
