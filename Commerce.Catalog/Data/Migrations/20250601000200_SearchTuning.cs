using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Commerce.Catalog.Data.Migrations;

/// <summary>Indexes and planner settings measured with the benchmark (docs/performance.md).</summary>
[DbContext(typeof(CatalogDbContext))]
[Migration("20250601000200_SearchTuning")]
public sealed class SearchTuning : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            -- Suggestions walk names nearest to what was typed (word distance <<->) in index order.
            CREATE INDEX ix_products_name_trgm ON products USING gist (name gist_trgm_ops);
            -- The catalogue lives in memory: random reads cost about what sequential ones do, so the
            -- planner should prefer the GIN index over scanning every product for a common word.
            DO $$ BEGIN
                EXECUTE format('ALTER DATABASE %I SET random_page_cost = 1.1', current_database());
            END $$;
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            DROP INDEX ix_products_name_trgm;
            DO $$ BEGIN
                EXECUTE format('ALTER DATABASE %I RESET random_page_cost', current_database());
            END $$;
            """);
    }
}
