using System.Net;
using Npgsql;

namespace Commerce.Tests.Web;

/// <summary>Shopper accounts and the back office's door, over real HTTP with the real identity database.</summary>
[Collection(StorefrontCollection.Name)]
public sealed class AccountTests(ShopStack shop)
{
    private static string NewEmail() => $"shopper-{Guid.NewGuid():N}@shop.test";

    [Fact]
    public async Task Register_signs_in_and_stores_only_a_password_hash()
    {
        using var session = shop.NewSession();
        var email = NewEmail();
        await session.RegisterAsync(email, "correct horse battery");

        var (_, home) = await session.GetAsync("/");
        Assert.Contains("Sign out", home);
        Assert.NotNull(session.Cookie("commerce.session"));

        await using var conn = new NpgsqlConnection(shop.IdentityConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT password_hash FROM accounts WHERE normalized_email = $1", conn) { Parameters = { new() { Value = email.ToUpperInvariant() } } };
        var hash = (string?)await cmd.ExecuteScalarAsync();
        Assert.NotNull(hash);
        Assert.DoesNotContain("correct horse", hash);
        Assert.True(hash.Length > 40);
    }

    [Fact]
    public async Task Register_refuses_a_short_password_and_a_taken_email_with_field_messages()
    {
        using var session = shop.NewSession();
        using var shortPassword = await session.PostBlazorFormAsync("/account/register", "register", new Dictionary<string, string>
        {
            ["Input.Email"] = NewEmail(),
            ["Input.Password"] = "short",
            ["Input.ConfirmPassword"] = "short",
        });
        var shortHtml = await shortPassword.Content.ReadAsStringAsync();
        Assert.NotEqual(HttpStatusCode.Redirect, shortPassword.StatusCode);
        Assert.Contains("at least 8 characters", shortHtml);
        Assert.Contains("validation-message", shortHtml);

        var email = NewEmail();
        using (var first = shop.NewSession())
        {
            await first.RegisterAsync(email, "a long enough password");
        }

        using var taken = await session.PostBlazorFormAsync("/account/register", "register", new Dictionary<string, string>
        {
            ["Input.Email"] = email.ToUpperInvariant(),
            ["Input.Password"] = "another long password",
            ["Input.ConfirmPassword"] = "another long password",
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, taken.StatusCode);
        Assert.Contains("could not create an account", await taken.Content.ReadAsStringAsync());
        Assert.Null(session.Cookie("commerce.session"));
    }

    [Fact]
    public async Task Sign_in_redirects_only_to_local_return_urls()
    {
        var email = NewEmail();
        using (var s = shop.NewSession())
        {
            await s.RegisterAsync(email, "the real password");
        }

        using var session = shop.NewSession();
        using var local = await session.SignInAsync(email, "the real password", "/cart");
        Assert.Equal(HttpStatusCode.Redirect, local.StatusCode);
        Assert.EndsWith("/cart", local.Headers.Location!.OriginalString);

        using var other = shop.NewSession();
        using var evil = await other.SignInAsync(email, "the real password", "https://evil.example/");
        Assert.Equal(HttpStatusCode.Redirect, evil.StatusCode);
        Assert.DoesNotContain("evil", evil.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task The_configured_admin_opens_the_back_office_and_a_shopper_cannot()
    {
        using var anonymous = shop.NewSession();
        using var anonymousAdmin = await anonymous.GetResponseAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, anonymousAdmin.StatusCode);
        Assert.Contains("/account/sign-in", anonymousAdmin.Headers.Location!.OriginalString);

        using var shopper = shop.NewSession();
        await shopper.RegisterAsync(NewEmail(), "just a shopper here");
        using var shopperAdmin = await shopper.GetResponseAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, shopperAdmin.StatusCode);
        Assert.Contains("/account/denied", shopperAdmin.Headers.Location!.OriginalString);
        var (deniedStatus, deniedHtml) = await shopper.GetAsync(shopperAdmin.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Forbidden, deniedStatus);
        Assert.Contains("shop staff only", deniedHtml);

        using var admin = shop.NewSession();
        using var signIn = await admin.SignInAsync(shop.AdminEmail, shop.AdminPassword, "/admin");
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var (status, html) = await admin.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("New product", html);
        Assert.Contains("Back office", html);
    }

    [Fact]
    public async Task Sign_in_merges_the_anonymous_cart_into_the_account()
    {
        var email = NewEmail();
        var ids = await shop.InStockProductIdsAsync(2);
        using (var earlier = shop.NewSession())
        {
            await earlier.RegisterAsync(email, "the real password");
            using var addEarlier = await earlier.PostFormAsync($"/products/{ids[0]}", $"/cart/add/{ids[0]}", new Dictionary<string, string> { ["quantity"] = "1" });
            Assert.Equal(HttpStatusCode.Redirect, addEarlier.StatusCode);
        }

        using var session = shop.NewSession();
        using var add = await session.PostFormAsync($"/products/{ids[1]}", $"/cart/add/{ids[1]}", new Dictionary<string, string> { ["quantity"] = "3" });
        Assert.Equal(HttpStatusCode.Redirect, add.StatusCode);

        using var signIn = await session.SignInAsync(email, "the real password");
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);

        var (_, cart) = await session.GetAsync("/cart");
        Assert.Contains($"href=\"/products/{ids[0]}\"", cart);
        Assert.Contains($"href=\"/products/{ids[1]}\"", cart);
        Assert.Contains("data-cart-count>4<", cart);
    }
}
