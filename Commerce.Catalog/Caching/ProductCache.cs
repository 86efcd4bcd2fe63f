using System.Collections.Concurrent;
using System.Text.Json;
using Commerce.Catalog.Products;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Commerce.Catalog.Caching;

/// <summary>
/// Cache-aside for product reads in the Redis every replica shares. Each entry is
/// <c>{version}|{json}</c>; a change writes an empty entry carrying the new version (a tombstone)
/// after it commits. A write only lands when its version is newer, so a slow reader can never put
/// back what a change just replaced, on this replica or any other. Redis being away is not an
/// error: reads fall through to PostgreSQL, and invalidations that could not be written are
/// retried when the connection comes back.
/// </summary>
public sealed class ProductCache
{
    // KEYS: entries; ARGV[1]: ttl seconds, then version and payload per key (empty payload = tombstone).
    private const string SetIfNewerScript = """
        local ttl = tonumber(ARGV[1])
        for i, key in ipairs(KEYS) do
          local version = tonumber(ARGV[2 * i])
          local payload = ARGV[2 * i + 1]
          local current = redis.call('GET', key)
          local keep = false
          if current then
            local sep = string.find(current, '|', 1, true)
            local v = sep and tonumber(string.sub(current, 1, sep - 1)) or nil
            if v and (v > version or (v == version and payload == '')) then keep = true end
          end
          if not keep then redis.call('SET', key, version .. '|' .. payload, 'EX', ttl) end
        end
        return 0
        """;

    /// <summary>Deleted products keep a tombstone newer than any version they could have had.</summary>
    private const int DeletedVersion = int.MaxValue;

    private readonly IConnectionMultiplexer _redis;
    private readonly CatalogOptions _options;
    private readonly ILogger<ProductCache> _logger;
    private readonly ConcurrentDictionary<int, int> _pendingInvalidations = new();
    private long _lastWarning;

    public ProductCache(IConnectionMultiplexer redis, IOptions<CatalogOptions> options, ILogger<ProductCache> logger)
    {
        _redis = redis;
        _options = options.Value;
        _logger = logger;
        _redis.ConnectionRestored += (_, _) => _ = FlushPendingAsync();
    }

    private RedisKey Key(int id) => $"{_options.CacheKeyPrefix}:product:{id}";

    /// <summary>The cached products among <paramref name="ids"/>; missing ones are simply absent.</summary>
    public async Task<Dictionary<int, ProductResponse>> GetManyAsync(IReadOnlyList<int> ids, CancellationToken cancellationToken)
    {
        var found = new Dictionary<int, ProductResponse>(ids.Count);
        if (ids.Count == 0 || !_redis.IsConnected)
        {
            return found;
        }

        try
        {
            var values = await _redis.GetDatabase().StringGetAsync(ids.Select(Key).ToArray()).WaitAsync(cancellationToken);
            for (var i = 0; i < ids.Count; i++)
            {
                if (TryParse(values[i], out var product))
                {
                    found[ids[i]] = product;
                }
            }
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            Warn(ex, "read");
        }

        return found;
    }

    public async Task SetManyAsync(IReadOnlyCollection<ProductResponse> products)
    {
        if (products.Count == 0 || !_redis.IsConnected)
        {
            return;
        }

        var keys = products.Select(p => Key(p.Id)).ToArray();
        var args = new List<RedisValue>(1 + 2 * products.Count) { (long)_options.ProductCacheTtl.TotalSeconds };
        foreach (var p in products)
        {
            args.Add(p.Version);
            args.Add(JsonSerializer.Serialize(p, CatalogJson.Default.ProductResponse));
        }

        try
        {
            await _redis.GetDatabase().ScriptEvaluateAsync(SetIfNewerScript, keys, [.. args]);
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            Warn(ex, "write");
        }
    }

    /// <summary>Call after the change committed, with the version it committed.</summary>
    public Task InvalidateAsync(int id, int committedVersion) => InvalidateManyAsync([(id, committedVersion)]);

    public Task InvalidateDeletedAsync(int id) => InvalidateManyAsync([(id, DeletedVersion)]);

    public async Task InvalidateManyAsync(IReadOnlyCollection<(int Id, int Version)> changes)
    {
        if (changes.Count == 0)
        {
            return;
        }

        if (!_redis.IsConnected)
        {
            RememberPending(changes);
            return;
        }

        try
        {
            var args = new List<RedisValue>(1 + 2 * changes.Count) { (long)_options.ProductCacheTtl.TotalSeconds };
            foreach (var (_, version) in changes)
            {
                args.Add(version);
                args.Add(string.Empty);
            }

            await _redis.GetDatabase().ScriptEvaluateAsync(SetIfNewerScript, changes.Select(c => Key(c.Id)).ToArray(), [.. args]);
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            RememberPending(changes);
            Warn(ex, "invalidate");
        }
    }

    // The entry may still sit in a Redis we cannot reach; write the tombstone once it is back.
    private void RememberPending(IReadOnlyCollection<(int Id, int Version)> changes)
    {
        foreach (var (id, version) in changes)
        {
            _pendingInvalidations.AddOrUpdate(id, version, (_, v) => Math.Max(v, version));
        }
    }

    private async Task FlushPendingAsync()
    {
        var pending = _pendingInvalidations.ToArray();
        foreach (var (id, version) in pending)
        {
            _pendingInvalidations.TryRemove(new KeyValuePair<int, int>(id, version));
        }

        await InvalidateManyAsync(pending.Select(p => (p.Key, p.Value)).ToArray());
    }

    private static bool TryParse(RedisValue value, out ProductResponse product)
    {
        product = null!;
        if (value.IsNull)
        {
            return false;
        }

        string text = value!;
        var sep = text.IndexOf('|');
        if (sep < 0 || sep == text.Length - 1)
        {
            return false;
        }

        product = JsonSerializer.Deserialize(text.AsSpan(sep + 1), CatalogJson.Default.ProductResponse)!;
        return product is not null;
    }

    private static bool IsRedisFailure(Exception ex) => ex is RedisException or TimeoutException;

    private void Warn(Exception ex, string operation)
    {
        // One warning per ten seconds: an outage must not flood the logs at flash-sale request rates.
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastWarning);
        if (now - last > 10_000 && Interlocked.CompareExchange(ref _lastWarning, now, last) == last)
        {
            _logger.LogWarning("Product cache {Operation} failed, serving from PostgreSQL: {Message}", operation, ex.Message);
        }
    }
}
