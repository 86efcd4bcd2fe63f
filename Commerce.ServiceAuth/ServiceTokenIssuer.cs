using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Commerce.ServiceAuth;

/// <summary>
/// Mints the short-lived RS256 tokens the storefront calls services with. Only a process holding
/// the private key (<c>Auth:SigningKey</c>) can use it; services only validate.
/// </summary>
public sealed class ServiceTokenIssuer : IDisposable
{
    private readonly RSA _rsa;
    private readonly SigningCredentials _credentials;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly TimeProvider _time;

    public ServiceTokenIssuer(string signingKeyPem, TimeProvider? time = null)
    {
        _rsa = RSA.Create();
        try
        {
            _rsa.ImportFromPem(signingKeyPem);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            _rsa.Dispose();
            throw new InvalidOperationException("Auth:SigningKey is not a PEM RSA private key.", ex);
        }

        // Its own provider cache: IdentityModel's shared default caches signature providers by key
        // thumbprint, so two issuers of the same key (several storefronts in one process) would
        // share one RSA object, and disposing either would break the other.
        _credentials = new SigningCredentials(new RsaSecurityKey(_rsa) { CryptoProviderFactory = new CryptoProviderFactory() }, SecurityAlgorithms.RsaSha256);
        _time = time ?? TimeProvider.System;
    }

    public string Issue(string buyerId, IEnumerable<string>? roles = null, TimeSpan? lifetime = null,
        string issuer = ServiceAuthOptions.Issuer, string audience = ServiceAuthOptions.Audience, DateTimeOffset? issuedAt = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(buyerId);
        var now = (issuedAt ?? _time.GetUtcNow()).UtcDateTime;
        var claims = new Dictionary<string, object> { ["sub"] = buyerId };
        var roleList = roles?.ToArray() ?? [];
        if (roleList.Length == 1)
        {
            claims["role"] = roleList[0];
        }
        else if (roleList.Length > 1)
        {
            claims["role"] = roleList;
        }

        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + (lifetime ?? TimeSpan.FromMinutes(5)),
            SigningCredentials = _credentials,
        });
    }

    public void Dispose() => _rsa.Dispose();
}
