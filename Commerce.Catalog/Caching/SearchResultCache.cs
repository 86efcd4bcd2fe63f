using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Commerce.Catalog.Caching;

/// <summary>
/// Short-lived search results in Redis, under a catalogue-wide generation number that every product
/// create, update and delete increments: the next search on any replica then misses and asks the
/// engine again. Stock changes leave results alone (they hold ids and counts, not stock); the
/// products themselves always come through <see cref="ProductCache"/>.
/// </summary>
public sealed class SearchResultCache
{
    private readonly IConnectionMultiplexer _redis;
    private readonly CatalogOptions _options;
    private readonly ILogger<SearchResultCache> _logger;
    private int _bumpPending;

    public SearchResultCache(IConnectionMultiplexer redis, IOptions<CatalogOptions> options, ILogger<SearchResultCache> logger)
    {
        _redis = redis;
        _options = options.Value;
        _logger = logger;
        _redis.ConnectionRestored += (_, _) =>
        {
            if (Interlocked.Exchange(ref _bumpPending, 0) == 1)
            {
                _ = InvalidateAllAsync();
            }
        };
    }

    private bool Enabled => _options.SearchCacheTtl > TimeSpan.Zero;

    private RedisKey GenerationKey => $"{_options.CacheKeyPrefix}:search-generation";

    /// <summary>The cached value for <paramref name="query"/>, or computes, stores and returns it.</summary>
    public async Task<T> GetOrAddAsync<T>(string query, Func<CancellationToken, Task<T>> compute,
        Func<T, string> serialize, Func<string, T?> deserialize, CancellationToken cancellationToken) where T : class
    {
        if (!Enabled || !_redis.IsConnected)
        {
            return await compute(cancellationToken);
        }

        // One round trip: the entry carries the generation it was computed in, and is a hit only
        // while that is still the current one.
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(query)));
        RedisKey key = $"{_options.CacheKeyPrefix}:search:{hash}";
        long generation;
        try
        {
            var values = await _redis.GetDatabase().StringGetAsync([GenerationKey, key]).WaitAsync(cancellationToken);
            generation = (long?)values[0] ?? 0;
            if (Hit(values[1], generation, deserialize) is { } hit)
            {
                return hit;
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _logger.LogDebug(ex, "Search cache unavailable");
            return await compute(cancellationToken);
        }

        var value = await compute(cancellationToken);
        try
        {
            await _redis.GetDatabase().StringSetAsync(key, $"{generation.ToString(CultureInfo.InvariantCulture)}|{serialize(value)}", _options.SearchCacheTtl);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _logger.LogDebug(ex, "Search cache unavailable");
        }

        return value;
    }

    /// <summary>The entry's value when it was computed in <paramref name="generation"/>; an unreadable one is a miss.</summary>
    private T? Hit<T>(RedisValue entry, long generation, Func<string, T?> deserialize) where T : class
    {
        var text = (string?)entry;
        var bar = text?.IndexOf('|', StringComparison.Ordinal) ?? -1;
        if (bar <= 0 || !long.TryParse(text.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var stored) || stored != generation)
        {
            return null;
        }

        try
        {
            return deserialize(text![(bar + 1)..]);
        }
        catch (JsonException ex)
        {
            _logger.LogWarning(ex, "An unreadable search cache entry was ignored");
            return null;
        }
    }

    /// <summary>Call after a change to what search returns has committed.</summary>
    public async Task InvalidateAllAsync()
    {
        if (!Enabled)
        {
            return;
        }

        try
        {
            if (_redis.IsConnected)
            {
                await _redis.GetDatabase().StringIncrementAsync(GenerationKey);
                return;
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _logger.LogDebug(ex, "Search cache unavailable");
        }

        // Results cached before the outage may still be there when Redis returns.
        Interlocked.Exchange(ref _bumpPending, 1);
    }
}
