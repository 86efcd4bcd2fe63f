using Commerce.Web.Buyers;
using Commerce.Web.Data;
using Commerce.Web.Services;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Commerce.Web.Accounts;

/// <summary>
/// Signs a shopper in: the session cookie, then the anonymous cart merged into the account's.
/// A Cart outage does not block sign-in: the anonymous cookie is kept, and the merge is tried
/// again at the next sign-in.
/// </summary>
public sealed class SignInFlow(CartClient cart, AnonymousBuyerCookie anonymous, ShopperSessions sessions, ILogger<SignInFlow> logger)
{
    public async Task SignInAsync(HttpContext context, ShopperAccount account, CancellationToken cancellationToken)
    {
        var principal = ShopperPrincipal.For(account, await sessions.StartAsync(account.Id, cancellationToken));
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal,
            new AuthenticationProperties { IsPersistent = true });

        if (anonymous.Read(context) is not { } anonymousBuyerId)
        {
            return;
        }

        var shopper = new Shopper(account.Id.ToString(), true, account.IsAdmin, account.Email);
        try
        {
            await cart.MergeAsync(shopper, anonymousBuyerId, cancellationToken);
            anonymous.Forget(context);
        }
        catch (Exception ex) when (ex is ServiceUnavailableException or ServiceRejectedException)
        {
            logger.LogWarning(ex, "Could not merge the anonymous cart into account {AccountId}; it is kept for the next sign-in", account.Id);
        }
    }

    public async Task SignOutAsync(HttpContext context)
    {
        await sessions.EndAsync(context.User, context.RequestAborted);
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        anonymous.Forget(context);
    }
}
