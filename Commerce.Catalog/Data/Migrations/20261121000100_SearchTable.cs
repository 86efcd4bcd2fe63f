using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Commerce.Catalog.Data.Migrations;

/// <summary>
/// Search reads a narrow copy of each product (the fields it filters, sorts and facets on, and the
/// weighted vector) instead of the wide product rows: a search touching 10,000 products then reads
/// about half the pages, and stock updates, the hot write path of a sale, no longer recompute the
/// vector. Facet counts over the whole catalogue are kept per (brand, category) pair, so a listing
/// without a search text counts nothing. Rows are stored grouped by category and brand (every
/// bulk insert is ordered so, and updates stay on their page): what a search matches is mostly
/// one kind of product, so it reads a few hundred pages instead of one page per match.
/// Measured in docs/performance.md.
/// </summary>
[DbContext(typeof(CatalogDbContext))]
[Migration("20261121000100_SearchTable")]
public sealed class SearchTable : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            -- Name weighs most, then brand and category, then description. The 'simple' copy keeps
            -- whole words so that prefixes typed so far (runn:*) still match what English stems to 'run'.
            CREATE FUNCTION product_search_vector(name text, description text, brand text, category text)
            RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN
                setweight(to_tsvector('english', name), 'A') ||
                setweight(to_tsvector('simple', name), 'A') ||
                setweight(to_tsvector('english', brand || ' ' || category), 'B') ||
                setweight(to_tsvector('simple', brand || ' ' || category), 'B') ||
                setweight(to_tsvector('english', description), 'C');

            CREATE TABLE product_search (
                product_id integer PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
                name text NOT NULL,
                brand text NOT NULL,
                category text NOT NULL,
                price numeric(12,2) NOT NULL,
                created_at timestamptz NOT NULL,
                search_vector tsvector NOT NULL
            ) WITH (fillfactor = 90);
            INSERT INTO product_search
            SELECT id, name, brand, category, price, created_at, product_search_vector(name, description, brand, category)
            FROM products ORDER BY category, brand, id;
            -- Read far more than written: index new rows at once rather than in a pending list.
            CREATE INDEX ix_product_search_vector ON product_search USING gin (search_vector) WITH (fastupdate = off);
            -- Facets of a price range without a search text: an index-only scan of the range.
            CREATE INDEX ix_product_search_price ON product_search (price) INCLUDE (brand, category);

            CREATE TABLE product_facet_counts (
                brand text NOT NULL,
                category text NOT NULL,
                products integer NOT NULL CHECK (products >= 0),
                PRIMARY KEY (brand, category)
            );
            INSERT INTO product_facet_counts SELECT brand, category, count(*) FROM product_search GROUP BY brand, category;

            -- Statement-level with transition tables: a bulk load (seed, COPY) costs one statement, not one per row.
            CREATE FUNCTION products_added_to_search() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO product_search
                SELECT id, name, brand, category, price, created_at, product_search_vector(name, description, brand, category)
                FROM added ORDER BY category, brand, id;
                RETURN NULL;
            END $$;
            CREATE TRIGGER products_added_to_search AFTER INSERT ON products
                REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION products_added_to_search();

            -- Row-level with a column list: stock updates, by far the most frequent, never fire it.
            CREATE FUNCTION products_changed_in_search() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE product_search SET
                    name = NEW.name, brand = NEW.brand, category = NEW.category, price = NEW.price,
                    search_vector = CASE
                        WHEN (OLD.name, OLD.description, OLD.brand, OLD.category) IS DISTINCT FROM (NEW.name, NEW.description, NEW.brand, NEW.category)
                        THEN product_search_vector(NEW.name, NEW.description, NEW.brand, NEW.category)
                        ELSE search_vector END
                WHERE product_id = NEW.id;
                RETURN NULL;
            END $$;
            CREATE TRIGGER products_changed_in_search AFTER UPDATE OF name, description, brand, category, price ON products
                FOR EACH ROW
                WHEN ((OLD.name, OLD.description, OLD.brand, OLD.category, OLD.price) IS DISTINCT FROM (NEW.name, NEW.description, NEW.brand, NEW.category, NEW.price))
                EXECUTE FUNCTION products_changed_in_search();

            -- Pairs in a fixed order, so that concurrent writers lock count rows in the same order.
            -- Decrements are plain updates: an upsert checks its insert row (a negative count)
            -- against the constraint before it finds the conflict.
            CREATE FUNCTION product_facet_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('UPDATE', 'DELETE') THEN
                    UPDATE product_facet_counts f SET products = f.products - d.n
                    FROM (SELECT brand, category, count(*) AS n FROM removed GROUP BY brand, category ORDER BY brand, category) d
                    WHERE f.brand = d.brand AND f.category = d.category;
                END IF;
                IF TG_OP IN ('UPDATE', 'INSERT') THEN
                    INSERT INTO product_facet_counts AS f (brand, category, products)
                    SELECT brand, category, count(*) FROM added GROUP BY brand, category ORDER BY brand, category
                    ON CONFLICT (brand, category) DO UPDATE SET products = f.products + EXCLUDED.products;
                END IF;
                RETURN NULL;
            END $$;
            CREATE TRIGGER product_search_counted_insert AFTER INSERT ON product_search
                REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION product_facet_counts_apply();
            CREATE TRIGGER product_search_counted_delete AFTER DELETE ON product_search
                REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION product_facet_counts_apply();
            CREATE TRIGGER product_search_counted_update AFTER UPDATE ON product_search
                REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION product_facet_counts_apply();

            -- Moved to product_search; dropping it also drops ix_products_search.
            ALTER TABLE products DROP COLUMN search_vector;
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
            ALTER TABLE products ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
                setweight(to_tsvector('english', name), 'A') ||
                setweight(to_tsvector('simple', name), 'A') ||
                setweight(to_tsvector('english', brand || ' ' || category), 'B') ||
                setweight(to_tsvector('simple', brand || ' ' || category), 'B') ||
                setweight(to_tsvector('english', description), 'C')) STORED;
            CREATE INDEX ix_products_search ON products USING gin (search_vector) WITH (fastupdate = off);
            DROP TRIGGER products_changed_in_search ON products;
            DROP TRIGGER products_added_to_search ON products;
            DROP TABLE product_facet_counts;
            DROP TABLE product_search;
            DROP FUNCTION product_facet_counts_apply();
            DROP FUNCTION products_changed_in_search();
            DROP FUNCTION products_added_to_search();
            DROP FUNCTION product_search_vector(text, text, text, text);
            """);
    }
}
