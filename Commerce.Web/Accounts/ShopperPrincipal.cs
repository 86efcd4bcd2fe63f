using System.Security.Claims;
using Commerce.ServiceAuth;
using Commerce.Web.Data;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Commerce.Web.Accounts;

/// <summary>The claims in the storefront's sign-in cookie.</summary>
public static class ShopperPrincipal
{
    public const string SubjectClaim = "sub";
    public const string EmailClaim = "email";
    public const string RoleClaim = "role";
    /// <summary>The server-side session (<see cref="ShopperSessions"/>) the cookie belongs to.</summary>
    public const string SessionClaim = "sid";

    public static ClaimsPrincipal For(ShopperAccount account, Guid sessionId)
    {
        var claims = new List<Claim>
        {
            new(SubjectClaim, account.Id.ToString()),
            new(EmailClaim, account.Email),
            new(SessionClaim, sessionId.ToString()),
        };
        if (account.IsAdmin)
        {
            claims.Add(new Claim(RoleClaim, ServiceAuthOptions.AdminRole));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme, EmailClaim, RoleClaim));
    }
}
