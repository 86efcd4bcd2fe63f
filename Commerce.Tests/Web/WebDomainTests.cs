using Commerce.Payments;
using Commerce.ServiceAuth;
using Commerce.Tests.Infrastructure;
using Commerce.Web.Buyers;
using Commerce.Web.Domain;
using Commerce.Web.Endpoints;
using Commerce.Web.Services;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Commerce.Tests.Web;

/// <summary>The storefront's own rules, without HTTP.</summary>
public sealed class WebDomainTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("short", false)]
    [InlineData("1234567", false)]
    [InlineData("        ", false)]
    [InlineData("correct horse battery", true)]
    public void Passwords_need_eight_characters_that_are_not_all_spaces(string password, bool ok) =>
        Assert.Equal(ok, AccountRules.PasswordProblem(password) is null);

    [Theory]
    [InlineData("ann@example.com", true)]
    [InlineData(" Ann@Example.com ", true)]
    [InlineData("ann@localhost", false)]
    [InlineData("not an email", false)]
    [InlineData("", false)]
    public void Emails_are_checked_and_compared_case_insensitively(string email, bool ok)
    {
        Assert.Equal(ok, AccountRules.EmailProblem(email) is null);
        Assert.Equal(AccountRules.NormalizeEmail("ann@example.com"), AccountRules.NormalizeEmail(" ANN@example.COM"));
    }

    [Theory]
    [InlineData("4242 4242 4242 4242", true)]
    [InlineData("4000 0000 0000 0002", true)]
    [InlineData("4242 4242 4242 4241", false)]
    [InlineData("4242-4242-4242-4242", true)]
    [InlineData("4242 4242 4242 424x", false)]
    [InlineData("", false)]
    public void Card_numbers_must_pass_the_luhn_check(string number, bool ok) =>
        Assert.Equal(ok, CardRules.NumberProblem(number) is null);

    [Theory]
    [InlineData("11/26", true)]
    [InlineData("10/26", false)]
    [InlineData("01/30", true)]
    [InlineData("13/30", false)]
    [InlineData("1/30", false)]
    [InlineData("", false)]
    public void Expiry_is_mm_yy_and_valid_to_the_end_of_its_month(string expiry, bool ok) =>
        Assert.Equal(ok, CardRules.ExpiryProblem(expiry, Now) is null);

    [Theory]
    [InlineData("123", true)]
    [InlineData("1234", true)]
    [InlineData("12", false)]
    [InlineData("12a", false)]
    public void Cvc_is_three_or_four_digits(string cvc, bool ok) => Assert.Equal(ok, CardRules.CvcProblem(cvc) is null);

    [Fact]
    public void Catalog_query_corrects_out_of_range_values_instead_of_failing()
    {
        var q = CatalogQuery.Create("  shoes ", " ", "Jackets", 300m, 100m, "bogus", -2, 500);

        Assert.Equal("shoes", q.Q);
        Assert.Null(q.Brand);
        Assert.Equal(100m, q.MinPrice);
        Assert.Equal(300m, q.MaxPrice);
        Assert.Null(q.Sort);
        Assert.Equal(1, q.Page);
        Assert.Equal(CatalogQuery.DefaultPageSize, q.PageSize);
        Assert.Equal("?q=shoes&category=Jackets&minPrice=100&maxPrice=300&page=1&pageSize=12", q.ToApiQueryString());
        Assert.Equal("/catalog?q=shoes&category=Jackets&minPrice=100&maxPrice=300&page=3", (q with { Page = 3 }).ToUrl());
        Assert.Equal(5, q.PageCount(49));
        Assert.Equal(1, q.PageCount(0));
    }

    [Fact]
    public void Catalog_query_escapes_what_the_shopper_typed()
    {
        var q = CatalogQuery.Create("a&b=c", null, "T-Shirts & Tops", null, null, "price_asc", 2, null);

        Assert.Equal("/catalog?q=a%26b%3Dc&category=T-Shirts%20%26%20Tops&sort=price_asc&page=2", q.ToUrl());
    }

    [Theory]
    [InlineData(0, StockLevel.OutOfStock, "Out of stock")]
    [InlineData(-3, StockLevel.OutOfStock, "Out of stock")]
    [InlineData(3, StockLevel.Low, "Only 3 left")]
    [InlineData(6, StockLevel.InStock, "In stock")]
    public void Stock_state_tells_exact_counts_only_when_low(int available, StockLevel level, string label)
    {
        var state = StockState.Of(available);
        Assert.Equal(level, state.Level);
        Assert.Equal(label, state.Label);
        Assert.Equal(level != StockLevel.OutOfStock, state.CanBuy);
    }

    [Theory]
    [InlineData(1234.5, "USD", "$1,234.50")]
    [InlineData(9.99, "eur", "€9.99")]
    [InlineData(10, "CHF", "CHF 10.00")]
    public void Money_is_formatted_for_shoppers(double amount, string currency, string expected) =>
        Assert.Equal(expected, Money.Format((decimal)amount, currency));

    [Fact]
    public void Order_actions_follow_the_state_machine()
    {
        Assert.True(OrderStatus.CanCancel(OrderStatus.Submitted));
        Assert.True(OrderStatus.CanCancel(OrderStatus.StockReserved));
        Assert.False(OrderStatus.CanCancel(OrderStatus.Paid));
        Assert.True(OrderStatus.CanShip(OrderStatus.Paid));
        Assert.False(OrderStatus.CanShip(OrderStatus.StockReserved));
        Assert.True(OrderStatus.IsSettled(OrderStatus.Cancelled));
        Assert.False(OrderStatus.IsSettled(OrderStatus.StockReserved));
        Assert.False(OrderStatus.IsSettled(OrderStatus.Paid));
        Assert.True(OrderStatus.IsSettled(OrderStatus.Shipped));
        Assert.True(OrderStatus.IsBeingConfirmed(OrderStatus.Submitted));
        Assert.True(OrderStatus.IsBeingConfirmed(OrderStatus.StockReserved));
        Assert.False(OrderStatus.IsBeingConfirmed(OrderStatus.Paid));
        Assert.False(OrderStatus.IsBeingConfirmed(OrderStatus.Cancelled));
    }

    [Theory]
    [InlineData("/cart", true)]
    [InlineData("/", true)]
    [InlineData("//evil.example", false)]
    [InlineData("/\\evil.example", false)]
    [InlineData("https://evil.example", false)]
    [InlineData("cart", false)]
    [InlineData(null, false)]
    public void Only_local_urls_are_followed(string? url, bool local) => Assert.Equal(local, LocalUrl.IsLocal(url));

    [Fact]
    public void Service_tokens_carry_the_buyer_and_the_admin_role_only_for_admins_and_live_at_most_15_minutes()
    {
        var tokens = new ServiceTokens(Options.Create(new ServiceAuthOptions { SigningKey = TestTokens.SigningKeyPem, TokenLifetime = TimeSpan.FromHours(2) }), TimeProvider.System);
        var handler = new JsonWebTokenHandler();

        var buyer = handler.ReadJsonWebToken(tokens.For(new Shopper("buyer-1", true, false, "b@example.com")));
        var admin = handler.ReadJsonWebToken(tokens.For(new Shopper("admin-1", true, true, "a@example.com")));

        Assert.Equal("RS256", buyer.Alg);
        Assert.Equal("buyer-1", buyer.Subject);
        Assert.Equal(ServiceAuthOptions.Issuer, buyer.Issuer);
        Assert.Contains(ServiceAuthOptions.Audience, buyer.Audiences);
        Assert.False(buyer.TryGetClaim("role", out _));
        Assert.Equal("admin", admin.GetClaim("role").Value);
        Assert.True(buyer.ValidTo - buyer.IssuedAt <= ServiceAuthOptions.MaxLifetime);
    }

    [Fact]
    public void The_anonymous_buyer_cookie_round_trips_and_rejects_forgeries()
    {
        var cookie = new AnonymousBuyerCookie(new EphemeralDataProtectionProvider(), TimeProvider.System);
        var id = Guid.NewGuid().ToString();
        var value = cookie.Protect(id);

        Assert.Equal(id, cookie.Unprotect(value));
        Assert.Null(cookie.Unprotect(id));
        Assert.Null(cookie.Unprotect(value[..^4] + "AAAA"));
        Assert.Null(new AnonymousBuyerCookie(new EphemeralDataProtectionProvider(), TimeProvider.System).Unprotect(value));
    }

    [Fact]
    public void Disposing_one_issuer_does_not_break_another_with_the_same_key()
    {
        var first = new ServiceTokenIssuer(TestTokens.SigningKeyPem);
        using var second = new ServiceTokenIssuer(TestTokens.SigningKeyPem);
        first.Issue("buyer-1");
        second.Issue("buyer-1");

        first.Dispose();

        Assert.NotEmpty(second.Issue("buyer-2"));
    }
}
