using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Commerce.Web.Buyers;

public enum FlashKind
{
    Success,
    Error,
}

/// <summary>
/// A one-time message carried across a post-redirect-get in a protected cookie ("Added to your
/// cart", or the reason Cart refused), so a URL can never make the shop display text of its choosing.
/// </summary>
public sealed class FlashMessage(IDataProtectionProvider provider)
{
    public const string CookieName = "commerce.flash";
    private const string ItemKey = "commerce.flash.read";
    private readonly ITimeLimitedDataProtector _protector = provider.CreateProtector("Commerce.Web.Flash.v1").ToTimeLimitedDataProtector();

    public void Set(HttpContext context, FlashKind kind, string message) =>
        context.Response.Cookies.Append(CookieName, _protector.Protect($"{(int)kind}|{message}", TimeSpan.FromMinutes(2)),
            new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = context.Request.IsHttps, Path = "/", IsEssential = true });

    /// <summary>The pending message, once: reading it removes the cookie.</summary>
    public (FlashKind Kind, string Text)? Take(HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var cached))
        {
            return ((FlashKind, string)?)cached;
        }

        (FlashKind, string)? result = null;
        if (context.Request.Cookies[CookieName] is { Length: > 0 } value)
        {
            if (!context.Response.HasStarted)
            {
                context.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/" });
            }

            try
            {
                var text = _protector.Unprotect(value, out _);
                var bar = text.IndexOf('|', StringComparison.Ordinal);
                if (bar > 0 && int.TryParse(text[..bar], out var kind) && Enum.IsDefined((FlashKind)kind))
                {
                    result = ((FlashKind)kind, text[(bar + 1)..]);
                }
            }
            catch (CryptographicException)
            {
                result = null;
            }
        }

        context.Items[ItemKey] = result;
        return result;
    }
}
