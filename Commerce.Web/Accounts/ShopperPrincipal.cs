using System.Security.Claims;
using Commerce.ServiceDefaults.Auth;
using Commerce.Web.Data;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Commerce.Web.Accounts;

/// <summary>The claims in the storefront's sign-in cookie.</summary>
public static class ShopperPrincipal
{
    public const string SubjectClaim = "sub";
    public const string EmailClaim = "email";
    public const string RoleClaim = "role";

    public static ClaimsPrincipal For(ShopperAccount account)
    {
        var claims = new List<Claim>
        {
            new(SubjectClaim, account.Id.ToString()),
            new(EmailClaim, account.Email),
        };
        if (account.IsAdmin)
        {
            claims.Add(new Claim(RoleClaim, ServiceAuthOptions.AdminRole));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme, EmailClaim, RoleClaim));
    }
}
