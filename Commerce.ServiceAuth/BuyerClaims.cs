using System.Security.Claims;

namespace Commerce.ServiceAuth;

/// <summary>
/// What makes a token's <c>sub</c> a buyer id, in one place: token validation refuses a token whose
/// <c>sub</c> fails it (401), so every buyer route of every service can rely on <see cref="BuyerId"/>.
/// </summary>
public static class BuyerClaims
{
    public const string Subject = "sub";

    /// <summary>Orders store the buyer id in a column of this length.</summary>
    public const int MaxBuyerIdLength = 200;

    /// <summary>Null when <paramref name="sub"/> can name a buyer; otherwise why it cannot.</summary>
    public static string? Problem(string? sub) => sub switch
    {
        null => "The token names no buyer (it has no 'sub' claim).",
        _ when string.IsNullOrWhiteSpace(sub) => "The token names no buyer (its 'sub' claim is empty).",
        { Length: > MaxBuyerIdLength } => $"The token's 'sub' claim is longer than {MaxBuyerIdLength} characters; it cannot be a buyer id.",
        _ when sub.Any(char.IsControl) || sub != sub.Trim() => "The token's 'sub' claim has control characters or surrounding spaces; it cannot be a buyer id.",
        _ => null,
    };

    /// <summary>Null when the claims name exactly one valid buyer; otherwise why they do not.</summary>
    public static string? Problem(IEnumerable<Claim> claims)
    {
        var subjects = claims.Where(c => c.Type == Subject).Take(2).ToList();
        return subjects.Count switch
        {
            0 => Problem((string?)null),
            1 => Problem(subjects[0].Value),
            _ => "The token names more than one buyer.",
        };
    }

    /// <summary>The buyer an authenticated caller acts for; null only for a principal that never passed token validation.</summary>
    public static string? BuyerId(this ClaimsPrincipal user) =>
        Problem(user.Claims) is null ? user.FindFirst(Subject)!.Value : null;
}
