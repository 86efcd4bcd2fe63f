using Commerce.ServiceAuth;

namespace Commerce.Tests.Infrastructure;

/// <summary>A key pair made for this test run, and tokens signed with it as the storefront would.</summary>
public static class TestTokens
{
    private static readonly (string Private, string Public) Keys = RsaKeys.CreatePair();

    public static ServiceTokenIssuer Issuer { get; } = new(Keys.Private);

    public static string PublicKeyPem => Keys.Public;
    public static string SigningKeyPem => Keys.Private;

    public static string For(string buyerId) => Issuer.Issue(buyerId);

    public static string Admin(string adminId = "admin-1") => Issuer.Issue(adminId, [ServiceAuthOptions.AdminRole]);

    /// <summary>The settings a service needs to validate these tokens.</summary>
    public static Dictionary<string, string?> ServiceSettings() => new() { ["Auth:PublicKey"] = PublicKeyPem };
}
