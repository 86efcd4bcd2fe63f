namespace Commerce.Cart.Storage;

/// <summary>
/// Lua scripts that make each cart change one atomic step in Redis, so concurrent writers to the
/// same cart never lose each other's lines. A cart is a hash: field = product id, value = the line
/// as JSON (numbers written as strings, so Lua's cjson, which uses doubles, never rounds a price).
/// </summary>
internal static class CartScripts
{
    /// <summary>
    /// KEYS[1] cart; ARGV: product id, line JSON, max lines, expiry ms.
    /// Returns 0 added, 1 updated (the line keeps its original addedAt), -1 the cart is full.
    /// </summary>
    public const string SetLine = """
        local existing = redis.call('HGET', KEYS[1], ARGV[1])
        local value = ARGV[2]
        if existing then
          local old = cjson.decode(existing)
          local new = cjson.decode(value)
          new['addedAt'] = old['addedAt']
          value = cjson.encode(new)
        elseif redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then
          return -1
        end
        redis.call('HSET', KEYS[1], ARGV[1], value)
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        if existing then return 1 end
        return 0
        """;

    /// <summary>KEYS[1] cart; ARGV: product id, expiry ms. Returns 1 when the line was there.</summary>
    public const string RemoveLine = """
        local removed = redis.call('HDEL', KEYS[1], ARGV[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return removed
        """;

    /// <summary>
    /// KEYS[1] cart; ARGV: pairs of product id and price. Records the latest price Catalog gave for
    /// lines that are still there; a line removed meanwhile stays removed.
    /// </summary>
    public const string RememberPrices = """
        local changed = 0
        for i = 1, #ARGV, 2 do
          local existing = redis.call('HGET', KEYS[1], ARGV[i])
          if existing then
            local line = cjson.decode(existing)
            line['lastPrice'] = ARGV[i + 1]
            redis.call('HSET', KEYS[1], ARGV[i], cjson.encode(line))
            changed = changed + 1
          end
        end
        return changed
        """;

    /// <summary>
    /// KEYS[1] cart, KEYS[2] the order's marker; ARGV: marker expiry ms, then the ordered product ids
    /// (none: the whole cart). Removes them the first time an order asks; returns 1 then and 0 for
    /// every repeat, so a redelivered event cannot remove what the buyer added after ordering.
    /// </summary>
    public const string ClearForOrder = """
        if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) then
          if #ARGV > 1 then
            for i = 2, #ARGV do
              redis.call('HDEL', KEYS[1], ARGV[i])
            end
          else
            redis.call('DEL', KEYS[1])
          end
          return 1
        end
        return 0
        """;
}
