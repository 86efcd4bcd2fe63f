namespace Commerce.ServiceAuth;

/// <summary>The token contract of ARCHITECTURE.md, bound from <c>Auth</c>.</summary>
public sealed class ServiceAuthOptions
{
    public const string SectionName = "Auth";
    public const string Issuer = "commerce-web";
    public const string Audience = "commerce";
    public const string AdminRole = "admin";
    public const string AdminPolicy = "admin";
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(15);

    /// <summary>PEM public key every service validates tokens with (<c>Auth__PublicKey</c>).</summary>
    public string? PublicKey { get; set; }

    /// <summary>PEM private key; only the storefront has it (<c>Auth__SigningKey</c>).</summary>
    public string? SigningKey { get; set; }

    /// <summary>How long an issued token lives; capped at <see cref="MaxLifetime"/>.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(5);
}
