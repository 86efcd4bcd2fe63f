using Commerce.Catalog.Products;
using Npgsql;
using NpgsqlTypes;

namespace Commerce.Catalog.Search;

/// <summary>
/// Full-text search on PostgreSQL: the weighted <c>search_vector</c> column (GIN-indexed), every
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

        var textFilter = tsQuery is null ? "TRUE" : "search_vector @@ to_tsquery('english', $1)";
        var order = query.Sort switch
        {
            ProductSort.Relevance when tsQuery is not null => "ts_rank(search_vector, to_tsquery('english', $1)) DESC, id",
            ProductSort.PriceAscending => "price, id",
            ProductSort.PriceDescending => "price DESC, id",
            ProductSort.Name => "name, id",
            _ => "created_at DESC, id",
        };
        const string priceFilter = "($2::numeric IS NULL OR price >= $2) AND ($3::numeric IS NULL OR price <= $3)";

        // Two statements, one round trip. Counting by (brand, category) pair needs no ranking and
        // gives the total and both facets (each ignoring only its own filter); only the page is ranked.
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand($"SELECT brand, category, count(*) FROM products WHERE {textFilter} AND {priceFilter} GROUP BY brand, category"),
                new NpgsqlBatchCommand($"""
                    SELECT id FROM products
                    WHERE {textFilter} AND {priceFilter}
                      AND ($4::text IS NULL OR brand = $4) AND ($5::text IS NULL OR category = $5)
                    ORDER BY {order} LIMIT $6 OFFSET $7
                    """),
            },
        };
        foreach (var command in batch.BatchCommands)
        {
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)tsQuery ?? DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Numeric, Value = (object?)query.MinPrice ?? DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Numeric, Value = (object?)query.MaxPrice ?? DBNull.Value });
        }

        var page = batch.BatchCommands[1].Parameters;
        page.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)query.Brand ?? DBNull.Value });
        page.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)query.Category ?? DBNull.Value });
        page.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = query.PageSize });
        page.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = (query.Page - 1) * query.PageSize });

        var pairs = new List<(string Brand, string Category, long Count)>();
        var ids = new List<int>(query.PageSize);
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                pairs.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
            }

            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetInt32(0));
            }
        }

        return Facets.Count(pairs, query.Brand, query.Category, ids);
    }

    public async Task<IReadOnlyList<string>> SuggestAsync(string text, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var words = SearchText.Words(text);
        // Names first; brand and category words only when no name matches (e.g. a brand typed so far).
        foreach (var weights in (string[])["A", "AB"])
        {
            var tsQuery = await BuildTsQueryAsync(connection, words, cancellationToken, weights);
            if (tsQuery is null)
            {
                return [];
            }

            // No ORDER BY: the scan stops after a handful of matches instead of ranking thousands,
            // and any name that completes every word is a fair completion. Shorter (more general)
            // names are offered first.
            await using var command = new NpgsqlCommand("SELECT DISTINCT name FROM (SELECT name FROM products WHERE search_vector @@ to_tsquery('english', $1) LIMIT $2) n", connection);
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
                return names.OrderBy(n => n.Length).ThenBy(n => n, StringComparer.Ordinal).Take(limit).ToList();
            }
        }

        return [];
    }

    /// <summary>
    /// <c>(word:* | correction:*) &amp; …</c>, or null when there is no word. Words are letters and
    /// digits only (<see cref="SearchText"/>), so they cannot carry tsquery operators.
    /// </summary>
    private static async Task<string?> BuildTsQueryAsync(NpgsqlConnection connection, IReadOnlyList<string> words, CancellationToken cancellationToken, string weights = "")
    {
        if (words.Count == 0)
        {
            return null;
        }

        var corrections = new Dictionary<string, string>();
        await using (var command = new NpgsqlCommand(CorrectionSql, connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = words.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (!reader.GetBoolean(1) && !reader.IsDBNull(2))
                {
                    corrections[reader.GetString(0)] = reader.GetString(2);
                }
            }
        }

        return string.Join(" & ", words.Select(w => corrections.TryGetValue(w, out var c) ? $"({Quote(w)}:*{weights} | {Quote(c)}:*{weights})" : $"{Quote(w)}:*{weights}"));
    }

    // Catalogue words come from PostgreSQL's parser and may hold any character: quote every operand.
    private static string Quote(string word) => "'" + word.Replace("\\", "\\\\").Replace("'", "''") + "'";
}
