using Commerce.Web.Data;
using Commerce.Web.Domain;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using System.Net;

namespace Commerce.Web.Accounts;

public abstract record RegisterResult
{
    public sealed record Created(ShopperAccount Account) : RegisterResult;
    /// <summary>Not created, for a reason that must not say whether the address has an account.</summary>
    public sealed record Refused : RegisterResult;
    public sealed record Invalid(string Field, string Message) : RegisterResult;
    public sealed record Throttled(TimeSpan RetryAfter) : RegisterResult;
}

public abstract record SignInResult
{
    public sealed record Success(ShopperAccount Account) : SignInResult;
    /// <summary>Too many attempts from this client (for this address, or in all): not evaluated.</summary>
    public sealed record Throttled(TimeSpan RetryAfter) : SignInResult;
    public sealed record Failed : SignInResult;
}

/// <summary>
/// Registers shoppers and checks their passwords, throttled per client and per address-and-client
/// (<see cref="SignInThrottlePolicy"/>); answers never tell whether an address has an account.
/// </summary>
public sealed class ShopperAccounts(IdentityDb db, IPasswordHasher<ShopperAccount> hasher, SignInThrottle throttle,
    UnknownAccountDecoy decoy, TimeProvider time, ILogger<ShopperAccounts> logger)
{
    public async Task<RegisterResult> RegisterAsync(string email, string password, IPAddress? client, CancellationToken cancellationToken)
    {
        if (AccountRules.EmailProblem(email) is { } emailProblem)
        {
            return new RegisterResult.Invalid("Email", emailProblem);
        }

        if (AccountRules.PasswordProblem(password, email) is { } passwordProblem)
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

        // ON CONFLICT, not a unique-violation error: PostgreSQL logs such errors with the
        // conflicting key, which here is an e-mail address.
        var inserted = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO accounts (id, email, normalized_email, password_hash, is_admin, created_at)
            VALUES ({account.Id}, {account.Email}, {account.NormalizedEmail}, {account.PasswordHash}, false, {account.CreatedAt})
            ON CONFLICT (normalized_email) DO NOTHING
            """, cancellationToken);
        if (inserted == 0)
        {
            // Probing addresses through registration costs the client as failed sign-ins do.
            return await throttle.CountClientAsync(client, cancellationToken) is { } wait
                ? new RegisterResult.Throttled(wait)
                : new RegisterResult.Refused();
        }

        logger.LogInformation("Shopper account {AccountId} registered", account.Id);
        return new RegisterResult.Created(account);
    }

    public async Task<SignInResult> SignInAsync(string email, string password, IPAddress? client, CancellationToken cancellationToken)
    {
        var normalized = AccountRules.NormalizeEmail(email ?? string.Empty);
        if (await throttle.TrySignInAsync(normalized, client, cancellationToken) is { } wait)
        {
            return new SignInResult.Throttled(wait);
        }

        var account = await db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.NormalizedEmail == normalized, cancellationToken);
        if (account is null)
        {
            decoy.Verify(password ?? string.Empty);
            return new SignInResult.Failed();
        }

        var verdict = hasher.VerifyHashedPassword(account, account.PasswordHash, password ?? string.Empty);
        if (verdict == PasswordVerificationResult.Failed)
        {
            return new SignInResult.Failed();
        }

        await throttle.SucceededAsync(normalized, client, cancellationToken);
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            var rehash = hasher.HashPassword(account, password!);
            await db.Accounts.Where(a => a.Id == account.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.PasswordHash, rehash), cancellationToken);
        }

        return new SignInResult.Success(account);
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
