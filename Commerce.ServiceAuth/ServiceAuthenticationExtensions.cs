using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Commerce.ServiceAuth;

public static class ServiceAuthenticationExtensions
{
    /// <summary>
    /// Validates the storefront's RS256 bearer tokens (issuer, audience, lifetime, key, and a
    /// <c>sub</c> that names one buyer) and adds the <c>admin</c> policy. A service without
    /// <c>Auth:PublicKey</c> refuses to start.
    /// </summary>
    public static TBuilder AddServiceAuthentication<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<ServiceAuthOptions>()
            .Bind(builder.Configuration.GetSection(ServiceAuthOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.PublicKey),
                "Auth:PublicKey is not set. Set it (environment variable Auth__PublicKey) to the PEM public key whose private key the storefront signs tokens with.")
            .Validate(o => o.PublicKey is null || RsaKeys.TryImportPublic(o.PublicKey, out _),
                "Auth:PublicKey is not a PEM RSA public key.")
            .ValidateOnStart();

        builder.Services.AddSingleton<TokenSigningKeys>();
        builder.Services.AddSingleton<ServiceTokenValidator>();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TokenSigningKeys>((jwt, keys) =>
            {
                jwt.MapInboundClaims = false;
                jwt.RequireHttpsMetadata = false;
                jwt.TokenValidationParameters = keys.ValidationParameters();
                jwt.Events = new JwtBearerEvents
                {
                    // Every buyer route acts on the cart or orders of sub: a token without one
                    // (or with an empty one) is refused here, once, for every service.
                    OnTokenValidated = context =>
                    {
                        if (context.Principal is { } principal && BuyerClaims.Problem(principal.Claims) is { } problem)
                        {
                            context.Fail(problem);
                        }

                        return Task.CompletedTask;
                    },
                };
            });

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ServiceAuthOptions.AdminPolicy, p => p.RequireAuthenticatedUser().RequireRole(ServiceAuthOptions.AdminRole));
        return builder;
    }
}

/// <summary>Holds the imported public key for the life of the process.</summary>
public sealed class TokenSigningKeys(IOptions<ServiceAuthOptions> options)
{
    private readonly Lazy<RsaSecurityKey> _publicKey = new(() =>
    {
        RsaKeys.TryImportPublic(options.Value.PublicKey ?? string.Empty, out var rsa);
        return new RsaSecurityKey(rsa ?? throw new InvalidOperationException("Auth:PublicKey is not a PEM RSA public key."));
    });

    public TokenValidationParameters ValidationParameters() => new()
    {
        ValidIssuer = ServiceAuthOptions.Issuer,
        ValidAudience = ServiceAuthOptions.Audience,
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        IssuerSigningKey = _publicKey.Value,
        ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        NameClaimType = "sub",
        RoleClaimType = "role",
        ClockSkew = TimeSpan.FromSeconds(30),
        LifetimeValidator = (notBefore, expires, token, parameters) =>
        {
            var now = DateTime.UtcNow;
            if (expires is null || expires.Value.Add(parameters.ClockSkew) < now)
            {
                return false;
            }

            if (notBefore is { } nbf && nbf.Subtract(parameters.ClockSkew) > now)
            {
                return false;
            }

            // The contract caps a token's life; a longer one was not minted by the storefront. The
            // cap is measured from this server's clock: iat and nbf are the token's own word, so a
            // token claiming to be issued just before a distant exp proves nothing.
            if (expires.Value > now + ServiceAuthOptions.MaxLifetime + parameters.ClockSkew)
            {
                return false;
            }

            var issued = token is Microsoft.IdentityModel.JsonWebTokens.JsonWebToken jwt && jwt.IssuedAt != DateTime.MinValue
                ? jwt.IssuedAt
                : notBefore ?? now;
            return expires.Value - issued <= ServiceAuthOptions.MaxLifetime + parameters.ClockSkew;
        },
    };
}

public static class RsaKeys
{
    public static bool TryImportPublic(string pem, out RSA? rsa)
    {
        rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            rsa = null;
            return false;
        }
    }

    /// <summary>A new key pair as PEM, for the run command and tests.</summary>
    public static (string PrivateKeyPem, string PublicKeyPem) CreatePair(int bits = 2048)
    {
        using var rsa = RSA.Create(bits);
        return (rsa.ExportPkcs8PrivateKeyPem(), rsa.ExportSubjectPublicKeyInfoPem());
    }
}
