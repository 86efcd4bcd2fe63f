using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Commerce.ServiceAuth;
using Commerce.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Commerce.Tests.Security;

/// <summary>
/// Tokens the storefront would never mint, written claim by claim: validly signed ones with odd
/// claims, and forged, tampered or unsigned ones. What an attacker holding a token, or the key of
/// some other system, could send.
/// </summary>
public static class CraftedTokens
{
    private static readonly RSA Rsa = CreateRsa(TestTokens.SigningKeyPem);
    private static readonly RSA OtherRsa = CreateRsa(RsaKeys.CreatePair().PrivateKeyPem);

    private static RSA CreateRsa(string pem)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return rsa;
    }

    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>The claims the storefront puts in a token, for a test to change.</summary>
    public static Dictionary<string, object?> Claims(object? sub) => new()
    {
        ["iss"] = ServiceAuthOptions.Issuer,
        ["aud"] = ServiceAuthOptions.Audience,
        ["sub"] = sub,
        ["iat"] = Now,
        ["nbf"] = Now,
        ["exp"] = Now + 300,
    };

    /// <summary>Signed with the storefront's key (RS256), with exactly these claims (null ones left out).</summary>
    public static string Signed(Dictionary<string, object?> claims) => Sign(claims, Rsa);

    public static string SignedWithOtherKey(Dictionary<string, object?> claims) => Sign(claims, OtherRsa);

    private static string Sign(Dictionary<string, object?> claims, RSA rsa)
    {
        var payload = JsonSerializer.Serialize(claims.Where(c => c.Value is not null).ToDictionary(c => c.Key, c => c.Value));
        var key = new RsaSecurityKey(rsa) { CryptoProviderFactory = new CryptoProviderFactory() };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }
            .CreateToken(payload, new SigningCredentials(key, SecurityAlgorithms.RsaSha256));
    }

    public static string WithoutSub() => Signed(Claims(null));

    public static string WithSub(object sub) => Signed(Claims(sub));

    /// <summary>The probe's token: exp a year away, iat five minutes before it, no nbf.</summary>
    public static string YearLongWithLateIat() => Signed(YearLong(Claims("buyer-late-iat")));

    /// <summary>The storefront's claims for a buyer, with the admin role.</summary>
    public static Dictionary<string, object?> AdminClaims(object? sub)
    {
        var claims = Claims(sub);
        claims["role"] = ServiceAuthOptions.AdminRole;
        return claims;
    }

    /// <summary>An unsigned token (<c>alg: none</c>).</summary>
    public static string AlgNone(string sub) => AlgNone(Claims(sub));

    public static string AlgNone(Dictionary<string, object?> claims) =>
        $"{B64(JsonSerializer.Serialize(new { alg = "none", typ = "JWT" }))}.{Payload(claims)}.";

    /// <summary>HS256 with the public key as the shared secret: the classic algorithm-confusion forgery.</summary>
    public static string HmacWithPublicKey(string sub) => HmacWithPublicKey(Claims(sub));

    public static string HmacWithPublicKey(Dictionary<string, object?> claims)
    {
        var head = $"{B64(JsonSerializer.Serialize(new { alg = "HS256", typ = "JWT" }))}.{Payload(claims)}";
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(TestTokens.PublicKeyPem), Encoding.ASCII.GetBytes(head));
        return $"{head}.{Base64UrlEncoder.Encode(mac)}";
    }

    /// <summary>A genuine token with its payload swapped for other claims, signature kept.</summary>
    public static string Tampered(string genuine, string sub) => Tampered(genuine, Claims(sub));

    public static string Tampered(string genuine, Dictionary<string, object?> claims)
    {
        var parts = genuine.Split('.');
        return $"{parts[0]}.{Payload(claims)}.{parts[2]}";
    }

    /// <summary>A year-long token whose iat claims it was issued five minutes before it expires, without nbf.</summary>
    public static Dictionary<string, object?> YearLong(Dictionary<string, object?> claims)
    {
        var exp = Now + (long)TimeSpan.FromDays(365).TotalSeconds;
        claims["exp"] = exp;
        claims["iat"] = exp - 300;
        claims.Remove("nbf");
        return claims;
    }

    private static string Payload(Dictionary<string, object?> claims) => B64(JsonSerializer.Serialize(claims));

    private static string B64(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
}
