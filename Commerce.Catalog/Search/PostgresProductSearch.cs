using System.Text.Json;
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

        var textFilter = tsQuery is null ? "TRUE" : "search_vector @@ to_tsquery('english', @q)";
        var rank = tsQuery is null ? "0::real" : "ts_rank(search_vector, to_tsquery('english', @q))";
        var order = query.Sort switch
        {
            ProductSort.Relevance when tsQuery is not null => "rank DESC, id",
            ProductSort.PriceAscending => "price, id",
            ProductSort.PriceDescending => "price DESC, id",
            ProductSort.Name => "name, id",
            _ => "created_at DESC, id",
        };

        // One statement, one scan of the matches: the total, both facets and the page come from it.
        var sql = $"""
            WITH m AS MATERIALIZED (
                SELECT id, brand, category, price, name, created_at, {rank} AS rank
                FROM products
                WHERE {textFilter}
                  AND (@min_price IS NULL OR price >= @min_price)
                  AND (@max_price IS NULL OR price <= @max_price)
            )
            SELECT
              (SELECT count(*) FROM m
                WHERE (@brand IS NULL OR brand = @brand) AND (@category IS NULL OR category = @category)),
              (SELECT coalesce(json_agg(json_build_object('name', brand, 'count', n) ORDER BY n DESC, brand), '[]'::json)
                 FROM (SELECT brand, count(*) AS n FROM m WHERE @category IS NULL OR category = @category GROUP BY brand) b),
              (SELECT coalesce(json_agg(json_build_object('name', category, 'count', n) ORDER BY n DESC, category), '[]'::json)
                 FROM (SELECT category, count(*) AS n FROM m WHERE @brand IS NULL OR brand = @brand GROUP BY category) c),
              (SELECT coalesce(array_agg(id ORDER BY ord), ARRAY[]::int[])
                 FROM (SELECT id, row_number() OVER (ORDER BY {order}) AS ord FROM m
                       WHERE (@brand IS NULL OR brand = @brand) AND (@category IS NULL OR category = @category)
                       ORDER BY {order} LIMIT @limit OFFSET @offset) p)
            """;

        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter("q", NpgsqlDbType.Text) { Value = (object?)tsQuery ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("min_price", NpgsqlDbType.Numeric) { Value = (object?)query.MinPrice ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("max_price", NpgsqlDbType.Numeric) { Value = (object?)query.MaxPrice ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("brand", NpgsqlDbType.Text) { Value = (object?)query.Brand ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("category", NpgsqlDbType.Text) { Value = (object?)query.Category ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = query.PageSize });
        command.Parameters.Add(new NpgsqlParameter("offset", NpgsqlDbType.Integer) { Value = (query.Page - 1) * query.PageSize });

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var total = reader.GetInt64(0);
        var brands = JsonSerializer.Deserialize<List<FacetCount>>(reader.GetString(1), JsonSerializerOptions.Web) ?? [];
        var categories = JsonSerializer.Deserialize<List<FacetCount>>(reader.GetString(2), JsonSerializerOptions.Web) ?? [];
        var ids = reader.GetFieldValue<int[]>(3);
        return new ProductSearchResult(ids, total, brands, categories);
    }

    public async Task<IReadOnlyList<string>> SuggestAsync(string text, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var words = SearchText.Words(text);
        var tsQuery = await BuildTsQueryAsync(connection, words, cancellationToken);
        if (tsQuery is null)
        {
            return [];
        }

        // Ranked on the name alone: a completion should read like what the shopper is typing.
        const string sql = """
            SELECT name FROM (
                SELECT name, max(ts_rank(search_vector, q, 0) + similarity(name, @text)) AS score
                FROM products, to_tsquery('english', @q) AS q
                WHERE search_vector @@ q
                GROUP BY name
            ) s
            ORDER BY score DESC, name
            LIMIT @limit
            """;
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter("q", NpgsqlDbType.Text) { Value = tsQuery });
        // The cleaned words, never the raw text: PostgreSQL text cannot hold every string a URL can.
        command.Parameters.Add(new NpgsqlParameter("text", NpgsqlDbType.Text) { Value = string.Join(' ', words) });
        command.Parameters.Add(new NpgsqlParameter("limit", NpgsqlDbType.Integer) { Value = limit });
        var names = new List<string>(limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>
    /// <c>(word:* | correction:*) &amp; …</c>, or null when there is no word. Words are letters and
    /// digits only (<see cref="SearchText"/>), so they cannot carry tsquery operators.
    /// </summary>
    private static async Task<string?> BuildTsQueryAsync(NpgsqlConnection connection, IReadOnlyList<string> words, CancellationToken cancellationToken)
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

        return string.Join(" & ", words.Select(w => corrections.TryGetValue(w, out var c) ? $"({Quote(w)}:* | {Quote(c)}:*)" : $"{Quote(w)}:*"));
    }

    // Catalogue words come from PostgreSQL's parser and may hold any character: quote every operand.
    private static string Quote(string word) => "'" + word.Replace("\\", "\\\\").Replace("'", "''") + "'";
}
