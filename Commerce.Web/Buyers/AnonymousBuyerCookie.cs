using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Commerce.Web.Buyers;

/// <summary>
/// The buyer id of a shopper who has not signed in, kept in a cookie signed and encrypted with
/// Data Protection, so a cart works before sign-in and nobody can claim another visitor's cart.
/// </summary>
public sealed class AnonymousBuyerCookie(IDataProtectionProvider provider, TimeProvider time)
{
    public const string CookieName = "commerce.buyer";
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);
    private const string ItemKey = "commerce.anonymous-buyer";
    private readonly IDataProtector _protector = provider.CreateProtector("Commerce.Web.AnonymousBuyer.v1");

    public string Protect(string buyerId) => _protector.Protect(buyerId);

    public string? Unprotect(string? cookieValue)
    {
        if (string.IsNullOrEmpty(cookieValue))
        {
            return null;
        }

        try
        {
            var value = _protector.Unprotect(cookieValue);
            return Guid.TryParse(value, out var id) ? id.ToString() : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>The id in the request's cookie, if the cookie is genuine.</summary>
    public string? Read(HttpContext context) =>
        context.Items[ItemKey] as string ?? Unprotect(context.Request.Cookies[CookieName]);

    /// <summary>The visitor's buyer id; a new one (and its cookie) when the visitor has none.</summary>
    public string GetOrIssue(HttpContext context)
    {
        if (Read(context) is { } existing)
        {
            return existing;
        }

        var id = Guid.NewGuid().ToString();
        context.Items[ItemKey] = id;
        if (!context.Response.HasStarted)
        {
            context.Response.Cookies.Append(CookieName, Protect(id), new CookieOptions
            {
                HttpOnly = true,
                IsEssential = true,
                SameSite = SameSiteMode.Lax,
                Secure = context.Request.IsHttps,
                Expires = time.GetUtcNow() + Lifetime,
                Path = "/",
            });
        }

        return id;
    }

    public void Forget(HttpContext context)
    {
        context.Items.Remove(ItemKey);
        context.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/" });
    }
}
