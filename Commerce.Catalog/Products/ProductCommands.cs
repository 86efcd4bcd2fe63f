using Commerce.Catalog.Caching;
using Commerce.Catalog.Data;
using Commerce.Catalog.Domain;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Commerce.Catalog.Products;

public enum CommandError
{
    None,
    NotFound,
    Invalid,
    Conflict,
}

public sealed record CommandResult(CommandError Error, Product? Product = null, string? Message = null, Dictionary<string, string[]>? Errors = null)
{
    public static CommandResult Ok(Product product) => new(CommandError.None, product);
    public static CommandResult NotFound() => new(CommandError.NotFound);
    public static CommandResult Conflict(string message) => new(CommandError.Conflict, Message: message);
    public static CommandResult Invalid(Dictionary<string, string[]> errors) => new(CommandError.Invalid, Errors: errors, Message: string.Join(" ", errors.Values.SelectMany(m => m)));
}

/// <summary>
/// The admin changes to products. Each runs in one transaction that also tells the
/// <see cref="IProductChangeObserver"/>s, then replaces the cached copy once it has committed.
/// </summary>
public sealed class ProductCommands(CatalogDbContext db, ProductCache cache, IEnumerable<IProductChangeObserver> observers, TimeProvider time)
{
    public async Task<CommandResult> CreateAsync(ProductDetails details, int initialStock, CancellationToken cancellationToken)
    {
        var errors = ProductRules.Validate(details);
        if (initialStock < 0)
        {
            errors["availableStock"] = ["Available stock cannot be negative."];
        }

        if (errors.Count > 0)
        {
            return CommandResult.Invalid(errors);
        }

        if (await db.Products.AnyAsync(p => p.Sku == details.Sku, cancellationToken))
        {
            return DuplicateSku(details.Sku);
        }

        var product = Product.Create(details, initialStock, time.GetUtcNow());
        return await SaveAsync(product, () => db.Products.Add(product), p => new ProductChange(p.Id, ProductChangeKind.Created, p.Version, null), details, cancellationToken);
    }

    public async Task<CommandResult> UpdateAsync(int id, ProductDetails details, int expectedVersion, CancellationToken cancellationToken)
    {
        var errors = ProductRules.Validate(details);
        if (errors.Count > 0)
        {
            return CommandResult.Invalid(errors);
        }

        var product = await db.Products.FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (product is null)
        {
            return CommandResult.NotFound();
        }

        if (product.Version != expectedVersion)
        {
            return Stale(product.Version);
        }

        if (details.Sku != product.Sku && await db.Products.AnyAsync(p => p.Sku == details.Sku && p.Id != id, cancellationToken))
        {
            return DuplicateSku(details.Sku);
        }

        PriceChange? priceChange = null;
        return await SaveAsync(product, () => priceChange = product.Update(details, time.GetUtcNow()),
            p => new ProductChange(p.Id, ProductChangeKind.Updated, p.Version, priceChange), details, cancellationToken);
    }

    public async Task<CommandResult> DeleteAsync(int id, CancellationToken cancellationToken)
    {
        var product = await db.Products.FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (product is null)
        {
            return CommandResult.NotFound();
        }

        if (product.ReservedStock > 0)
        {
            return CommandResult.Conflict($"{product.ReservedStock} units of product {id} are reserved by open orders; delete it once they are paid or released.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Products.Remove(product);
        await NotifyAsync(new ProductChange(id, ProductChangeKind.Deleted, product.Version, null), cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return CommandResult.Conflict($"Product {id} changed while it was being deleted; read it again and retry.");
        }

        await transaction.CommitAsync(cancellationToken);
        await cache.InvalidateDeletedAsync(id);
        return CommandResult.Ok(product);
    }

    /// <summary>Adds <paramref name="delta"/> (negative removes) in one conditional update: concurrent adjustments and reservations never push stock below zero.</summary>
    public async Task<CommandResult> AdjustStockAsync(int id, int delta, CancellationToken cancellationToken)
    {
        if (delta == 0)
        {
            return CommandResult.Invalid(new() { ["delta"] = ["Delta must be a non-zero whole number: positive adds stock, negative removes it."] });
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var versions = await db.Database.SqlQuery<int>($"""
            UPDATE products SET available_stock = available_stock + {delta}, version = version + 1, updated_at = {time.GetUtcNow()}
            WHERE id = {id} AND available_stock::bigint + {delta} BETWEEN 0 AND 2147483647
            RETURNING version AS "Value"
            """).ToListAsync(cancellationToken);
        if (versions.Count == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            var current = await db.Products.AsNoTracking().Where(p => p.Id == id).Select(p => (int?)p.AvailableStock).FirstOrDefaultAsync(cancellationToken);
            return current is null
                ? CommandResult.NotFound()
                : CommandResult.Conflict(StockRules.Adjust(current.Value, delta).Error ?? "Stock changed meanwhile; try again.");
        }

        await NotifyAsync(new ProductChange(id, ProductChangeKind.StockAdjusted, versions[0], null), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await cache.InvalidateAsync(id, versions[0]);
        var product = await db.Products.AsNoTracking().FirstAsync(p => p.Id == id, cancellationToken);
        return CommandResult.Ok(product);
    }

    private async Task<CommandResult> SaveAsync(Product product, Action apply, Func<Product, ProductChange> change, ProductDetails details, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await EnsureBrandAndCategoryAsync(details, cancellationToken);
        apply();
        try
        {
            // Saved first so a new product has its id for the observers; they save with the commit.
            await db.SaveChangesAsync(cancellationToken);
            await NotifyAsync(change(product), cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Stale(null);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return DuplicateSku(details.Sku);
        }

        await transaction.CommitAsync(cancellationToken);
        await cache.InvalidateAsync(product.Id, product.Version);
        return CommandResult.Ok(product);
    }

    private async Task NotifyAsync(ProductChange change, CancellationToken cancellationToken)
    {
        foreach (var observer in observers)
        {
            await observer.OnSavingAsync(db, change, cancellationToken);
        }
    }

    /// <summary>Admins may name a new brand or category; it is created with the product.</summary>
    private async Task EnsureBrandAndCategoryAsync(ProductDetails details, CancellationToken cancellationToken)
    {
        await db.Database.ExecuteSqlAsync($"INSERT INTO brands (name) VALUES ({details.Brand}) ON CONFLICT (name) DO NOTHING", cancellationToken);
        await db.Database.ExecuteSqlAsync($"INSERT INTO categories (name) VALUES ({details.Category}) ON CONFLICT (name) DO NOTHING", cancellationToken);
    }

    private static CommandResult DuplicateSku(string sku) =>
        CommandResult.Conflict($"Another product already has SKU '{sku}'. SKUs are unique: choose another or edit that product.");

    private static CommandResult Stale(int? current) =>
        CommandResult.Conflict(current is null
            ? "The product was changed by someone else meanwhile. Read it again, reapply your edit and send the new version."
            : $"The product was changed by someone else meanwhile (now version {current}). Read it again, reapply your edit and send the new version.");
}
