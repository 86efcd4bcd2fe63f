using System.Net;
using Commerce.Web.Accounts;
using Commerce.Web.Domain;
using Commerce.Web.Endpoints;

namespace Commerce.Tests.Web;

/// <summary>The storefront's security rules as plain classes: throttling, passwords, return URLs, catalog input.</summary>
public sealed class SecurityRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 15, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_pair_limit_lets_five_attempts_through_and_tells_the_sixth_how_long_to_wait()
    {
        var policy = new SignInThrottlePolicy();
        var start = Now.AddMinutes(-5);

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            Assert.Null(policy.PairVerdict(attempt, start, Now));
        }

        Assert.Equal(TimeSpan.FromMinutes(10), policy.PairVerdict(6, start, Now));
        Assert.Equal(TimeSpan.FromMinutes(10), policy.PairVerdict(15, start, Now));
        Assert.Equal(Now.AddMinutes(-15), policy.PairWindowExpiredBefore(Now));
    }

    [Fact]
    public void The_client_limit_is_larger_than_the_pair_limit_and_never_answers_a_zero_wait()
    {
        var policy = new SignInThrottlePolicy();
        Assert.True(policy.ClientLimit > policy.PairLimit);
        Assert.Null(policy.ClientVerdict(policy.ClientLimit, Now, Now));
        Assert.Equal(TimeSpan.FromSeconds(1), policy.ClientVerdict(policy.ClientLimit + 1, Now.AddMinutes(-20), Now));
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64")]
    public void A_client_is_an_ipv4_address_or_an_ipv6_slash_64(string address, string client) =>
        Assert.Equal(client, SignInThrottle.ClientId(IPAddress.Parse(address)));

    [Theory]
    [InlineData("password")]
    [InlineData("12345678")]
    [InlineData("PASSWORD")]
    [InlineData("password1!")]
    [InlineData("iloveyou")]
    [InlineData("qwertyuiop")]
    [InlineData("trustno1")]
    public void Common_passwords_are_refused_also_with_digits_or_symbols_added(string password) =>
        Assert.Contains("most common", AccountRules.PasswordProblem(password, "ann@example.com"));

    [Theory]
    [InlineData("ann.lovelace@example.com", "ann.lovelace@example.com")]
    [InlineData("ann.lovelace@example.com", "Ann.Lovelace2026")]
    [InlineData("ann.lovelace@example.com", "my ann.lovelace")]
    public void Passwords_made_of_the_e_mail_address_are_refused(string email, string password) =>
        Assert.Contains("e-mail", AccountRules.PasswordProblem(password, email));

    [Theory]
    [InlineData("commerce")]
    [InlineData("Commerce2026!")]
    [InlineData("shop12345")]
    public void Passwords_made_of_the_shops_name_are_refused(string password) =>
        Assert.NotNull(AccountRules.PasswordProblem(password, "ann@example.com"));

    [Theory]
    [InlineData("correct horse battery")]
    [InlineData("the real password")]
    [InlineData("checkout shopper")]
    [InlineData("Tr0ub4dor&3-ish")]
    public void Uncommon_passwords_are_accepted(string password) =>
        Assert.Null(AccountRules.PasswordProblem(password, "ann@example.com"));

    [Fact]
    public void The_shipped_list_holds_thousands_of_passwords()
    {
        var refused = File.ReadLines(Path.Combine(RepoRoot(), "Commerce.Web", "Domain", "Data", "common-passwords.txt"))
            .Where(l => l.Length > 0 && l[0] != '#')
            .Count(p => AccountRules.PasswordProblem(p) is not null);
        Assert.True(refused >= 4000, $"only {refused} of the shipped common passwords are refused");
    }

    [Theory]
    [InlineData("/cart", "/cart")]
    [InlineData("/\u3002evil.example", "/%E3%80%82evil.example")]
    [InlineData("/catalog?q=caf\u00e9", "/catalog?q=caf%C3%A9")]
    [InlineData("/a b", "/a%20b")]
    [InlineData("/\t/evil.example", "/")]
    [InlineData("/x\r\nSet-Cookie: a=b", "/")]
    [InlineData("//evil.example", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("https://evil.example/", "/")]
    public void Return_urls_are_local_and_written_in_ascii(string url, string followed) =>
        Assert.Equal(followed, LocalUrl.OrDefault(url, "/"));

    [Fact]
    public void Catalog_filters_lose_their_control_characters()
    {
        var query = CatalogQuery.Create("hea\0d", "\0", "a\0b", null, null, null, null, null);
        Assert.Equal("head", query.Q);
        Assert.Null(query.Brand);
        Assert.Equal("ab", query.Category);
        Assert.DoesNotContain("%00", query.ToApiQueryString());
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Commerce.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Commerce.sln not found above " + AppContext.BaseDirectory);
    }
}
