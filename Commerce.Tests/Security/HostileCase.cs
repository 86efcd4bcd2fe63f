namespace Commerce.Tests.Security;

public enum Svc
{
    Catalog,
    Cart,
    Ordering,
    Web,
}

/// <summary>Who the request claims to come from: the bearer token it carries.</summary>
public enum Who
{
    None,
    Buyer,
    Admin,
    OtherKey,
    OtherKeyAdmin,
    Tampered,
    TamperedAdmin,
    AlgNone,
    AlgNoneAdmin,
    Hmac,
    HmacAdmin,
    Expired,
    NoSub,
    EmptySub,
    YearLong,
    YearLongAdmin,
    OtherAudience,
    Garbage,
    EmptyBearer,

    /// <summary>The storefront, as the signed-in shopper (their session cookie; a token only where the case has a <see cref="Hostile.Form"/>).</summary>
    Shopper,

    /// <summary>The storefront, as the signed-in operator.</summary>
    ShopAdmin,
}

public enum Expect
{
    /// <summary>A 4xx answered with an RFC 9457 ProblemDetails body (every service case unless said otherwise).</summary>
    Problem,

    /// <summary>
    /// A 4xx from Kestrel's HTTP parser, before any application code: malformed HTTP (a NUL or a
    /// non-ASCII byte in a header, a negative Content-Length) is answered without a body.
    /// </summary>
    ServerRefusal,

    /// <summary>Harmless hostile text that is a legitimate request (SQL or tsquery syntax as search words): 2xx JSON.</summary>
    Served,

    /// <summary>A storefront page or form: any answer but a 5xx.</summary>
    Page,
}

/// <summary>
/// One hostile request. <see cref="Path"/>, <see cref="Body"/> and <see cref="Headers"/> may hold
/// placeholders (<c>{product}</c>, <c>{cartProduct}</c>, <c>{order}</c>, <c>{otherOrder}</c>,
/// <c>{otherBuyer}</c>, <c>{long}</c>, <c>{deep}</c>, <c>{huge}</c>, <c>{buyerToken}</c>, <c>{key}</c>)
/// filled in by the suite. <see cref="Raw"/> requests are written byte for byte (see <see cref="RawHttp"/>):
/// there <see cref="Path"/> is sent as is and <see cref="Headers"/> are CRLF-separated header lines.
/// For the storefront, <see cref="Form"/> (field=value&amp;…) is posted with the antiforgery token
/// of <see cref="FormPage"/> (and <see cref="Headers"/>, e.g. another site's Origin); a storefront
/// case without a form is sent as is, without a token. Every storefront answer's Location, if
/// any, must stay on the storefront's own host.
/// </summary>
public sealed record Hostile(
    Svc Service,
    string Method,
    string Path,
    string? Body = null,
    Who Caller = Who.None,
    string ContentType = "application/json",
    string? Headers = null,
    Expect Expect = Expect.Problem,
    bool Raw = false,
    string? Form = null,
    string? FormPage = null)
{
    public override string ToString()
    {
        // What tells cases apart comes first: test runners cut long names.
        var body = Body ?? Form;
        var text = $"{Service} {Method} {Path} as {Caller}{(ContentType == "application/json" ? "" : $" ({ContentType})")}"
            + $"{(Headers is null ? "" : $" [{(Headers.Length > 80 ? Headers[..80] + "…" : Headers)}]")}{(body is null ? "" : " " + body)}";
        text = new string(text.Select(c => char.IsControl(c) ? '·' : c).ToArray());
        return text.Length > 400 ? text[..400] + "…" : text;
    }
}
