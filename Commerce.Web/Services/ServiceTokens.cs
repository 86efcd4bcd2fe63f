using Commerce.ServiceAuth;
using Commerce.Web.Buyers;
using Microsoft.Extensions.Options;

namespace Commerce.Web.Services;

/// <summary>
/// Mints the short-lived RS256 token for one call on a shopper's behalf: <c>sub</c> is the buyer
/// id and <c>role</c> is <c>admin</c> only for an operator signed in to an admin account.
/// </summary>
public sealed class ServiceTokens : IDisposable
{
    private static readonly TimeSpan ProofLifetime = TimeSpan.FromMinutes(1);
    private readonly ServiceTokenIssuer _issuer;
    private readonly TimeSpan _lifetime;

    public ServiceTokens(IOptions<ServiceAuthOptions> options, TimeProvider time)
    {
        var o = options.Value;
        _issuer = new ServiceTokenIssuer(o.SigningKey ?? throw new InvalidOperationException(
            "Auth:SigningKey is not set. Set it (environment variable Auth__SigningKey) to the PEM RSA private key the storefront signs service tokens with."), time);
        _lifetime = o.TokenLifetime > ServiceAuthOptions.MaxLifetime || o.TokenLifetime <= TimeSpan.Zero ? ServiceAuthOptions.MaxLifetime : o.TokenLifetime;
    }

    public string For(Shopper shopper) =>
        _issuer.Issue(shopper.BuyerId, shopper.IsAdmin ? [ServiceAuthOptions.AdminRole] : null, _lifetime);

    /// <summary>
    /// Proof, for Cart's merge, that the shopper owns the anonymous cart: a token for that buyer,
    /// minted only from the signed anonymous-buyer cookie. It is used at once, so it lives a minute.
    /// </summary>
    public string ProofOfAnonymousBuyer(string anonymousBuyerId) =>
        _issuer.Issue(anonymousBuyerId, lifetime: _lifetime < ProofLifetime ? _lifetime : ProofLifetime);

    public void Dispose() => _issuer.Dispose();
}
