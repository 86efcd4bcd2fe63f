using Microsoft.IdentityModel.JsonWebTokens;

namespace Commerce.ServiceAuth;

/// <summary>
/// Checks a token that arrives other than as the bearer (e.g. the proof of owning a cart that a
/// merge carries in its body) exactly as the bearer token is checked: same key, issuer, audience,
/// algorithm, lifetime cap and buyer rule.
/// </summary>
public sealed class ServiceTokenValidator(TokenSigningKeys keys)
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    /// <summary>The token's buyer id, or the reason it cannot be trusted.</summary>
    public async Task<(string? BuyerId, string? Problem)> ValidateAsync(string? token)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return (null, "No token was sent.");
        }

        // Far above any token the storefront mints; refused before any parsing work.
        if (token.Length > 8 * 1024)
        {
            return (null, "The token is too long.");
        }

        var result = await _handler.ValidateTokenAsync(token, keys.ValidationParameters());
        if (!result.IsValid || result.ClaimsIdentity is null)
        {
            return (null, "The token is not valid: it is malformed, expired, or not signed by the storefront.");
        }

        var claims = result.ClaimsIdentity.Claims.ToList();
        return BuyerClaims.Problem(claims) is { } problem
            ? (null, problem)
            : (claims.First(c => c.Type == BuyerClaims.Subject).Value, null);
    }
}
