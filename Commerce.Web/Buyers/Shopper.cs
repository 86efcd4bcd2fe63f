using System.Security.Claims;
using Commerce.ServiceAuth;
using Commerce.Web.Accounts;

namespace Commerce.Web.Buyers;

/// <summary>
/// Who is shopping: a signed-in account (buyer id = account id) or an anonymous visitor (buyer id
/// from the signed cookie). Built only from what the server signed, never from a form or header.
/// </summary>
public sealed record Shopper(string BuyerId, bool IsSignedIn, bool IsAdmin, string? Email)
{
    public static Shopper From(HttpContext context)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true && user.FindFirstValue(ShopperPrincipal.SubjectClaim) is { Length: > 0 } sub)
        {
            return new Shopper(sub, true, user.IsInRole(ServiceAuthOptions.AdminRole), user.FindFirstValue(ShopperPrincipal.EmailClaim));
        }

        var anonymous = context.RequestServices.GetRequiredService<AnonymousBuyerCookie>().GetOrIssue(context);
        return new Shopper(anonymous, false, false, null);
    }
}
