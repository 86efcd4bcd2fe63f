using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Commerce.Web.Data.Migrations;

[DbContext(typeof(IdentityDb))]
[Migration("20261121130000_Accounts")]
public sealed class Accounts : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            CREATE TABLE accounts (
                id uuid PRIMARY KEY,
                email varchar(256) NOT NULL,
                normalized_email varchar(256) NOT NULL,
                password_hash text NOT NULL,
                is_admin boolean NOT NULL DEFAULT false,
                access_failed_count integer NOT NULL DEFAULT 0,
                lockout_end timestamptz NULL,
                created_at timestamptz NOT NULL DEFAULT now()
            );
            CREATE UNIQUE INDEX ix_accounts_normalized_email ON accounts (normalized_email);
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql("DROP TABLE accounts;");
}
