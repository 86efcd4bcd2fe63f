using System.Globalization;
using Commerce.Catalog.Products;
using Commerce.Data;
using Npgsql;
using NpgsqlTypes;

namespace Commerce.Catalog.Search;

/// <summary>
/// Full-text search on PostgreSQL: the weighted <c>search_vector</c> of the narrow <c>product_search</c>
/// table (GIN-indexed, kept in step with products by triggers), every
/// word matched as a prefix (as-you-type), and words that match nothing corrected to the closest
/// catalogue word by trigram similarity (typos). Ranking is <c>ts_rank</c> over the weights.
/// </summary>
public sealed class PostgresProductSearch([FromKeyedServices(CatalogApp.DatabaseName)] NpgsqlDataSource dataSource) : IProductSearch
{
    // Per word: is it the start of a known catalogue word, and if not, which known word is closest.
    private const string CorrectionSql = """
        SELECT w.word,
               EXISTS (SELECT 1 FROM search_terms s WHERE s.term LIKE w.word || '%') AS known,
               (SELECT s.term FROM search_terms s WHERE s.term % w.word
                ORDER BY similarity(s.term, w.word) DESC, s.term LIMIT 1) AS closest
        FROM unnest($1::text[]) AS w(word)
        """;

    public async Task<ProductSearchResult> SearchAsync(ProductSearchQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        string? tsQuery = null;
        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            tsQuery = await BuildTsQueryAsync(connection, SearchText.Words(query.Text), cancellationToken);
            if (tsQuery is null)
            {
                // Only punctuation, symbols or emoji: nothing to look for.
                return new ProductSearchResult([], 0, [], []);
            }
        }

        var pairs = new List<(string Brand, string Category, long Count)>();
        var ids = new List<int>(query.PageSize);
        await using var command = tsQuery is null ? ListingCommand(connection, query) : TextSearchCommand(connection, query, tsQuery);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (reader.IsDBNull(0))
                {
                    ids.AddRange(reader.GetFieldValue<int[]>(3));
                }
                else
                {
                    pairs.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
                }
            }
        }
        catch (PostgresException error)
        {
            await FailedStatements.ForgetAsync(command, error);
            throw;
        }

        return Facets.Count(pairs, query.Brand, query.Category, ids);
    }

    /// <summary>
    /// The text query is parsed once, in FROM: in the generic plan of a prepared statement
    /// <c>to_tsquery('english', $5)</c> in the select list would be parsed and stemmed again for
    /// every matching row, doubling the time. One pass over the matches: they are collected once, with the key the page is sorted by, then
    /// counted per (brand, category) pair (the total and both facets, each ignoring only its own
    /// filter) and ordered for the page. The page comes back as one array row, in order.
    /// </summary>
    private static NpgsqlCommand TextSearchCommand(NpgsqlConnection connection, ProductSearchQuery query, string tsQuery)
    {
        var (sortKey, direction) = query.Sort switch
        {
            ProductSort.PriceAscending => ("price", "ASC"),
            ProductSort.PriceDescending => ("price", "DESC"),
            ProductSort.Name => ("name", "ASC"),
            ProductSort.Newest => ("created_at", "DESC"),
            _ => ("ts_rank(search_vector, text_query)", "DESC"),
        };
        var command = new NpgsqlCommand($"""
            WITH matches AS MATERIALIZED (
                SELECT product_id, brand, category, {sortKey} AS sort_key
                FROM product_search, to_tsquery('english', $5) AS text_query
                WHERE search_vector @@ text_query AND {PriceFilter(query)})
            SELECT brand, category, count(*), NULL::integer[] FROM matches GROUP BY brand, category
            UNION ALL
            SELECT NULL, NULL, NULL, ARRAY(
                SELECT product_id FROM matches
                WHERE ($1::text IS NULL OR brand = $1) AND ($2::text IS NULL OR category = $2)
                ORDER BY sort_key {direction}, product_id LIMIT $3 OFFSET $4)
            """, connection);
        AddPageParameters(command, query);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = tsQuery });
        return command;
    }

    /// <summary>
    /// Without a search text the page comes from the product table's sort indexes, and the counts
    /// from the per-pair totals the triggers keep (or, within a price range, from the price index).
    /// </summary>
    private static NpgsqlCommand ListingCommand(NpgsqlConnection connection, ProductSearchQuery query)
    {
        var order = query.Sort switch
        {
            ProductSort.PriceAscending => "price, id",
            ProductSort.PriceDescending => "price DESC, id",
            ProductSort.Name => "name, id",
            _ => "created_at DESC, id",
        };
        var counts = query.MinPrice is null && query.MaxPrice is null
            ? "SELECT brand, category, products::bigint, NULL::integer[] FROM product_facet_counts WHERE products > 0"
            : $"SELECT brand, category, count(*), NULL::integer[] FROM product_search WHERE {PriceFilter(query)} GROUP BY brand, category";
        var command = new NpgsqlCommand($"""
            {counts}
            UNION ALL
            SELECT NULL, NULL, NULL, ARRAY(
                SELECT id FROM products
                WHERE {PriceFilter(query)} AND ($1::text IS NULL OR brand = $1) AND ($2::text IS NULL OR category = $2)
                ORDER BY {order} LIMIT $3 OFFSET $4)
            """, connection);
        AddPageParameters(command, query);
        return command;
    }

    /// <summary>
    /// The bounds are written into the statement (they are decimals, formatted invariantly, so
    /// nothing else can get in). As parameters, the generic plan of the prepared statement would
    /// assume a narrow range and sort a third of the catalogue for a wide one, where a plan for the
    /// actual bounds walks the sort index and stops after one page.
    /// </summary>
    private static string PriceFilter(ProductSearchQuery query) => (query.MinPrice, query.MaxPrice) switch
    {
        (null, null) => "TRUE",
        ({ } min, null) => $"price >= {Literal(min)}",
        (null, { } max) => $"price <= {Literal(max)}",
        ({ } min, { } max) => $"price BETWEEN {Literal(min)} AND {Literal(max)}",
    };

    private static string Literal(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>$1 brand, $2 category, $3 page size, $4 offset.</summary>
    private static void AddPageParameters(NpgsqlCommand command, ProductSearchQuery query)
    {
        var parameters = command.Parameters;
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)query.Brand ?? DBNull.Value });
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)query.Category ?? DBNull.Value });
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = query.PageSize });
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = (query.Page - 1) * query.PageSize });
    }

    public async Task<IReadOnlyList<string>> SuggestAsync(string text, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var words = SearchText.Words(text);
        if (words.Count == 0)
        {
            return [];
        }

        // Typos are corrected once; names are tried first, brand and category words only when no
        // name matches (e.g. a brand typed so far).
        var corrections = await LoadCorrectionsAsync(connection, words, cancellationToken);
        foreach (var weights in (string[])["A", "AB"])
        {
            var tsQuery = TsQuery(words, corrections, weights);

            // No ORDER BY: the scan stops after a handful of matches instead of ranking thousands,
            // and any name that completes every word is a fair completion. Shorter (more general)
            // names are offered first.
            await using var command = new NpgsqlCommand("SELECT DISTINCT name FROM (SELECT name FROM product_search, to_tsquery('english', $1) AS q WHERE search_vector @@ q LIMIT $2) n", connection);
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = tsQuery });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = limit * 8 });
            var names = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    names.Add(reader.GetString(0));
                }
            }

            if (names.Count > 0)
            {
                return Facets.OrderedSuggestions(names, limit);
            }
        }

        return [];
    }

    /// <summary>
    /// <c>(word:* | correction:*) &amp; …</c>, or null when there is no word. Words are letters and
    /// digits only (<see cref="SearchText"/>), so they cannot carry tsquery operators.
    /// </summary>
    private static async Task<string?> BuildTsQueryAsync(NpgsqlConnection connection, IReadOnlyList<string> words, CancellationToken cancellationToken) =>
        words.Count == 0 ? null : TsQuery(words, await LoadCorrectionsAsync(connection, words, cancellationToken), "");

    /// <summary>The closest catalogue word for each word the catalogue does not know (pg_trgm).</summary>
    private static async Task<Dictionary<string, string>> LoadCorrectionsAsync(NpgsqlConnection connection, IReadOnlyList<string> words, CancellationToken cancellationToken)
    {
        var corrections = new Dictionary<string, string>();
        await using var command = new NpgsqlCommand(CorrectionSql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = words.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!reader.GetBoolean(1) && !reader.IsDBNull(2))
            {
                corrections[reader.GetString(0)] = reader.GetString(2);
            }
        }

        return corrections;
    }

    private static string TsQuery(IReadOnlyList<string> words, Dictionary<string, string> corrections, string weights) =>
        string.Join(" & ", words.Select(w => corrections.TryGetValue(w, out var c) ? $"({Quote(w)}:*{weights} | {Quote(c)}:*{weights})" : $"{Quote(w)}:*{weights}"));

    // Catalogue words come from PostgreSQL's parser and may hold any character: quote every operand.
    private static string Quote(string word) => "'" + word.Replace("\\", "\\\\").Replace("'", "''") + "'";
}
