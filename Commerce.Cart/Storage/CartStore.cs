using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Commerce.Cart.Domain;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Commerce.Cart.Storage;

public enum SetLineOutcome
{
    Added,
    Updated,
    CartFull,
}

/// <summary>
/// Carts in Redis, one hash per buyer, expiring <see cref="CartOptions.Expiry"/> after their last use.
/// </summary>
public sealed class CartStore(IConnectionMultiplexer redis, IOptions<CartOptions> options, ILogger<CartStore> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString,
    };

    private readonly CartOptions _options = options.Value;

    private IDatabase Db => redis.GetDatabase();

    private long ExpiryMs => (long)_options.Expiry.TotalMilliseconds;

    /// <summary>The Redis key of a buyer's cart.</summary>
    public RedisKey KeyFor(string buyerId) => $"{_options.KeyPrefix}buyer:{buyerId}";

    private RedisKey OrderMarkerFor(string orderId) => $"{_options.KeyPrefix}order-cleared:{orderId}";

    /// <summary>Reads the cart; reading counts as use, so it pushes the expiry back.</summary>
    public async Task<IReadOnlyList<CartLine>> ReadAsync(string buyerId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var key = KeyFor(buyerId);
        var entries = Db.HashGetAllAsync(key);
        var touch = Db.KeyExpireAsync(key, _options.Expiry);
        await Task.WhenAll(entries, touch);
        return Parse(buyerId, await entries);
    }

    /// <summary>Sets a line's quantity and prices, adding it if the cart has room. Atomic.</summary>
    public async Task<SetLineOutcome> SetLineAsync(string buyerId, CartLine line, int maxLines, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var result = (int)await Db.ScriptEvaluateAsync(CartScripts.SetLine, [KeyFor(buyerId)],
            [Field(line.ProductId), Serialize(line), maxLines, ExpiryMs]);
        return result switch
        {
            0 => SetLineOutcome.Added,
            1 => SetLineOutcome.Updated,
            _ => SetLineOutcome.CartFull,
        };
    }

    /// <summary>Removes a line; false when it was not in the cart.</summary>
    public async Task<bool> RemoveLineAsync(string buyerId, int productId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var removed = (int)await Db.ScriptEvaluateAsync(CartScripts.RemoveLine, [KeyFor(buyerId)], [Field(productId), ExpiryMs]);
        return removed == 1;
    }

    /// <summary>Empties the cart; false when it was already empty.</summary>
    public async Task<bool> ClearAsync(string buyerId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await Db.KeyDeleteAsync(KeyFor(buyerId));
    }

    /// <summary>
    /// Removes what order <paramref name="orderId"/> bought (every line when
    /// <paramref name="productIds"/> is empty), once: a repeat for the same order changes nothing
    /// and returns false.
    /// </summary>
    public async Task<bool> ClearForOrderAsync(string buyerId, string orderId, IReadOnlyCollection<int> productIds, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orderId);
        cancellationToken.ThrowIfCancellationRequested();
        RedisValue[] args = [(long)_options.OrderMarkerExpiry.TotalMilliseconds, .. productIds.Distinct().Select(Field)];
        var cleared = (int)await Db.ScriptEvaluateAsync(CartScripts.ClearForOrder, [KeyFor(buyerId), OrderMarkerFor(orderId)], args);
        return cleared == 1;
    }

    /// <summary>Records the latest prices Catalog gave, for reads while Catalog is unreachable.</summary>
    public async Task RememberPricesAsync(string buyerId, IReadOnlyCollection<(int ProductId, decimal Price)> prices, CancellationToken cancellationToken)
    {
        if (prices.Count == 0)
        {
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var args = prices.SelectMany(p => new RedisValue[] { Field(p.ProductId), p.Price.ToString(CultureInfo.InvariantCulture) }).ToArray();
        await Db.ScriptEvaluateAsync(CartScripts.RememberPrices, [KeyFor(buyerId)], args);
    }

    /// <summary>
    /// Moves <paramref name="fromBuyerId"/>'s cart into <paramref name="intoBuyerId"/>'s with the
    /// rules of <see cref="CartMerge"/>, and deletes the source cart. Optimistic: both carts are
    /// watched, and the merge is computed again if either changed before it was written.
    /// </summary>
    public async Task<CartMergeResult> MergeAsync(string fromBuyerId, string intoBuyerId, CartLimits limits, CancellationToken cancellationToken)
    {
        var from = KeyFor(fromBuyerId);
        var into = KeyFor(intoBuyerId);
        for (var attempt = 1; attempt <= _options.MergeAttempts; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var sourceEntries = Db.HashGetAllAsync(from);
            var targetEntries = Db.HashGetAllAsync(into);
            await Task.WhenAll(sourceEntries, targetEntries);
            var source = Parse(fromBuyerId, await sourceEntries);
            var target = Parse(intoBuyerId, await targetEntries);
            if (source.Count == 0)
            {
                return new CartMergeResult([], []);
            }

            var merge = CartMerge.Merge(target, source, limits);
            var transaction = Db.CreateTransaction();
            // Conditions WATCH their keys, so any change to either cart since the reads above aborts the write.
            transaction.AddCondition(Condition.HashLengthEqual(from, (await sourceEntries).Length));
            transaction.AddCondition(Condition.HashLengthEqual(into, (await targetEntries).Length));
            if (merge.Upserts.Count > 0)
            {
                _ = transaction.HashSetAsync(into, merge.Upserts.Select(l => new HashEntry(Field(l.ProductId), Serialize(l))).ToArray());
            }

            _ = transaction.KeyDeleteAsync(from);
            _ = transaction.KeyExpireAsync(into, _options.Expiry);
            if (await transaction.ExecuteAsync())
            {
                return merge;
            }

            logger.LogDebug("Merge of a cart into buyer {BuyerId}'s cart raced with another change; attempt {Attempt}", intoBuyerId, attempt);
        }

        throw new CartBusyException(
            $"The carts kept changing while they were being merged ({_options.MergeAttempts} attempts). Try again.");
    }

    private static RedisValue Field(int productId) => productId.ToString(CultureInfo.InvariantCulture);

    private static string Serialize(CartLine line) => JsonSerializer.Serialize(StoredLine.From(line), Json);

    private IReadOnlyList<CartLine> Parse(string buyerId, HashEntry[] entries)
    {
        var lines = new List<CartLine>(entries.Length);
        foreach (var entry in entries)
        {
            if (!int.TryParse((string?)entry.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var productId))
            {
                logger.LogWarning("Ignoring cart field {Field} of buyer {BuyerId}: not a product id", (string?)entry.Name, buyerId);
                continue;
            }

            try
            {
                var stored = JsonSerializer.Deserialize<StoredLine>((string)entry.Value!, Json);
                if (stored is not null)
                {
                    lines.Add(stored.ToLine(productId));
                }
            }
            catch (JsonException ex)
            {
                // One damaged line must not make the whole cart unreadable.
                logger.LogWarning(ex, "Ignoring unreadable line for product {ProductId} in buyer {BuyerId}'s cart", productId, buyerId);
            }
        }

        return lines;
    }

    private sealed record StoredLine(int Quantity, decimal PriceSeen, decimal LastPrice, string Currency, string Name, DateTimeOffset AddedAt)
    {
        public static StoredLine From(CartLine line) =>
            new(line.Quantity, line.PriceSeen, line.LastKnownPrice, line.Currency, line.Name, line.AddedAt);

        public CartLine ToLine(int productId) => new(productId, Quantity, PriceSeen, LastPrice, Currency, Name, AddedAt);
    }
}

/// <summary>A cart change that could not be made because the cart kept changing underneath it.</summary>
public sealed class CartBusyException(string message) : Exception(message);
