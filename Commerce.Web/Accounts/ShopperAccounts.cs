using Commerce.Web.Data;
using Commerce.Web.Domain;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Commerce.Web.Accounts;

public abstract record RegisterResult
{
    public sealed record Created(ShopperAccount Account) : RegisterResult;
    public sealed record EmailTaken : RegisterResult;
    public sealed record Invalid(string Field, string Message) : RegisterResult;
}

public abstract record SignInResult
{
    public sealed record Success(ShopperAccount Account) : SignInResult;
    public sealed record LockedOut(DateTimeOffset Until) : SignInResult;
    public sealed record Failed : SignInResult;
}

/// <summary>Registers shoppers and checks their passwords, with lockout after repeated failures.</summary>
public sealed class ShopperAccounts(IdentityDb db, IPasswordHasher<ShopperAccount> hasher, LockoutPolicy lockout,
    UnknownAccountDecoy decoy, TimeProvider time, ILogger<ShopperAccounts> logger)
{

    public async Task<RegisterResult> RegisterAsync(string email, string password, CancellationToken cancellationToken)
    {
        if (AccountRules.EmailProblem(email) is { } emailProblem)
        {
            return new RegisterResult.Invalid("Email", emailProblem);
        }

        if (AccountRules.PasswordProblem(password) is { } passwordProblem)
        {
            return new RegisterResult.Invalid("Password", passwordProblem);
        }

        var account = new ShopperAccount
        {
            Id = Guid.NewGuid(),
            Email = email.Trim(),
            NormalizedEmail = AccountRules.NormalizeEmail(email),
            PasswordHash = "",
            CreatedAt = time.GetUtcNow(),
        };
        account.PasswordHash = hasher.HashPassword(account, password);
        db.Accounts.Add(account);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            db.Entry(account).State = EntityState.Detached;
            return new RegisterResult.EmailTaken();
        }

        logger.LogInformation("Shopper account {AccountId} registered", account.Id);
        return new RegisterResult.Created(account);
    }

    public async Task<SignInResult> SignInAsync(string email, string password, CancellationToken cancellationToken)
    {
        var normalized = AccountRules.NormalizeEmail(email ?? string.Empty);
        var account = await db.Accounts.SingleOrDefaultAsync(a => a.NormalizedEmail == normalized, cancellationToken);
        var now = time.GetUtcNow();
        if (account is null)
        {
            decoy.Verify(password ?? string.Empty);
            return new SignInResult.Failed();
        }

        if (lockout.IsLockedOut(account.LockoutEnd, now))
        {
            logger.LogWarning("Sign-in refused: account {AccountId} is locked out until {LockoutEnd}", account.Id, account.LockoutEnd);
            return new SignInResult.LockedOut(account.LockoutEnd!.Value);
        }

        var verdict = hasher.VerifyHashedPassword(account, account.PasswordHash, password ?? string.Empty);
        if (verdict == PasswordVerificationResult.Failed)
        {
            return await RecordFailureAsync(account, now, cancellationToken);
        }

        var rehash = verdict == PasswordVerificationResult.SuccessRehashNeeded ? hasher.HashPassword(account, password!) : account.PasswordHash;
        await db.Accounts.Where(a => a.Id == account.Id).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.AccessFailedCount, 0)
            .SetProperty(a => a.LockoutEnd, (DateTimeOffset?)null)
            .SetProperty(a => a.PasswordHash, rehash), cancellationToken);
        return new SignInResult.Success(account);
    }

    private async Task<SignInResult> RecordFailureAsync(ShopperAccount account, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Counted in the database, so concurrent guesses on several replicas all count.
        await db.Accounts.Where(a => a.Id == account.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.AccessFailedCount, a => a.AccessFailedCount + 1), cancellationToken);
        var failures = await db.Accounts.Where(a => a.Id == account.Id).Select(a => a.AccessFailedCount).SingleAsync(cancellationToken);
        if (lockout.LockoutAfter(failures, now) is { } until)
        {
            await db.Accounts.Where(a => a.Id == account.Id).ExecuteUpdateAsync(s => s
                .SetProperty(a => a.LockoutEnd, until)
                .SetProperty(a => a.AccessFailedCount, 0), cancellationToken);
            logger.LogWarning("Account {AccountId} locked out until {LockoutEnd} after {Failures} failed sign-ins", account.Id, until, failures);
            return new SignInResult.LockedOut(until);
        }

        return new SignInResult.Failed();
    }

    public Task<ShopperAccount?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, cancellationToken);

    /// <summary>
    /// Makes sure the configured operator account exists, is an admin and has the configured
    /// password (the run command generates a new one each time it starts).
    /// </summary>
    public async Task EnsureAdminAsync(string email, string password, CancellationToken cancellationToken)
    {
        if (AccountRules.EmailProblem(email) is { } emailProblem)
        {
            throw new InvalidOperationException($"Admin:Email is not usable: {emailProblem}");
        }

        if (AccountRules.PasswordProblem(password) is { } passwordProblem)
        {
            throw new InvalidOperationException($"Admin:Password is not usable: {passwordProblem}");
        }

        var normalized = AccountRules.NormalizeEmail(email);
        var account = await db.Accounts.SingleOrDefaultAsync(a => a.NormalizedEmail == normalized, cancellationToken);
        if (account is null)
        {
            account = new ShopperAccount
            {
                Id = Guid.NewGuid(),
                Email = email.Trim(),
                NormalizedEmail = normalized,
                PasswordHash = "",
                IsAdmin = true,
                CreatedAt = time.GetUtcNow(),
            };
            account.PasswordHash = hasher.HashPassword(account, password);
            db.Accounts.Add(account);
            logger.LogInformation("Admin account {AccountId} created from configuration", account.Id);
        }
        else
        {
            account.IsAdmin = true;
            if (hasher.VerifyHashedPassword(account, account.PasswordHash, password) == PasswordVerificationResult.Failed)
            {
                account.PasswordHash = hasher.HashPassword(account, password);
            }

            account.LockoutEnd = null;
            account.AccessFailedCount = 0;
            logger.LogInformation("Admin account {AccountId} updated from configuration", account.Id);
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}

/// <summary>
/// A password check against a hash nobody knows, run when no account matches, so "no such e-mail"
/// takes as long as "wrong password" and sign-in does not reveal who has an account.
/// </summary>
public sealed class UnknownAccountDecoy(IPasswordHasher<ShopperAccount> hasher)
{
    private readonly ShopperAccount _nobody = new() { Email = "", NormalizedEmail = "", PasswordHash = "" };
    private readonly Lazy<string> _hash = new(() => hasher.HashPassword(new ShopperAccount { Email = "", NormalizedEmail = "", PasswordHash = "" }, Guid.NewGuid().ToString()));

    public void Verify(string password) => hasher.VerifyHashedPassword(_nobody, _hash.Value, password);
}
