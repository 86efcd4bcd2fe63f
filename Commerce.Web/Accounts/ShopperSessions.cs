using System.Security.Claims;
using Commerce.Web.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;

namespace Commerce.Web.Accounts;

/// <summary>
/// Sessions kept in the identity database: the cookie carries the session's id, every request
/// checks the session still exists, and sign-out deletes it, so a copied cookie stops working
/// when its owner signs out (not 7 days later). One indexed read per signed-in request.
/// </summary>
public sealed class ShopperSessions(IdentityDb db, TimeProvider time)
{
    /// <summary>However active, a session ends after this long and the shopper signs in again.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(30);

    public async Task<Guid> StartAsync(Guid accountId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await db.Sessions.Where(s => s.AccountId == accountId && s.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
        var session = new ShopperSession { Id = Guid.NewGuid(), AccountId = accountId, CreatedAt = now, ExpiresAt = now + MaxLifetime };
        db.Sessions.Add(session);
        await db.SaveChangesAsync(cancellationToken);
        return session.Id;
    }

    public Task<bool> IsActiveAsync(Guid sessionId, Guid accountId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return db.Sessions.AnyAsync(s => s.Id == sessionId && s.AccountId == accountId && s.ExpiresAt > now, cancellationToken);
    }

    public Task EndAsync(ClaimsPrincipal user, CancellationToken cancellationToken) =>
        Guid.TryParse(user.FindFirstValue(ShopperPrincipal.SessionClaim), out var id)
            ? db.Sessions.Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken)
            : Task.CompletedTask;

    /// <summary>The cookie handler's check on every request: a cookie whose session is gone signs nobody in.</summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var user = context.Principal;
        if (user is not null
            && Guid.TryParse(user.FindFirstValue(ShopperPrincipal.SessionClaim), out var sessionId)
            && Guid.TryParse(user.FindFirstValue(ShopperPrincipal.SubjectClaim), out var accountId)
            && await context.HttpContext.RequestServices.GetRequiredService<ShopperSessions>()
                .IsActiveAsync(sessionId, accountId, context.HttpContext.RequestAborted))
        {
            return;
        }

        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }
}
