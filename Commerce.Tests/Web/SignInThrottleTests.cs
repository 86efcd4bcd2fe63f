using System.Net;
using Npgsql;

namespace Commerce.Tests.Web;

/// <summary>
/// Sign-in and registration against guessing and enumeration, over real HTTP; each test comes
/// from its own client addresses (X-Forwarded-For from the loopback proxy) so the tests do not
/// use up each other's budgets.
/// </summary>
[Collection(StorefrontCollection.Name)]
public sealed class SignInThrottleTests(ShopStack shop)
{
    private static string NewEmail() => $"throttle-{Guid.NewGuid():N}@shop.test";

    private static string NewClient() => $"198.51.{Random.Shared.Next(0, 256)}.{Random.Shared.Next(1, 255)}";

    private async Task<string> RegisteredAsync(string password = "the real password")
    {
        var email = NewEmail();
        using var s = shop.NewSession().ForwardedFor(NewClient());
        await s.RegisterAsync(email, password);
        return email;
    }

    [Fact]
    public async Task Fifteen_concurrent_guesses_get_five_evaluations_and_the_owner_elsewhere_still_signs_in()
    {
        var email = await RegisteredAsync();
        var attacker = NewClient();
        var sessions = Enumerable.Range(0, 15).Select(_ => shop.NewSession().ForwardedFor(attacker)).ToList();
        var answers = await Task.WhenAll(sessions.Select((s, i) => s.SignInAsync(email, $"guess number {i}")));

        Assert.Equal(5, answers.Count(a => a.StatusCode == HttpStatusCode.Unauthorized));
        Assert.Equal(10, answers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests));

        // The right password from the attacker's address is not even evaluated now...
        using var attackerRight = await shop.NewSession().ForwardedFor(attacker).SignInAsync(email, "the real password");
        Assert.Equal(HttpStatusCode.TooManyRequests, attackerRight.StatusCode);

        // ...but the owner, elsewhere, was not locked out by a stranger.
        using var owner = shop.NewSession().ForwardedFor(NewClient());
        using var ownerSignIn = await owner.SignInAsync(email, "the real password");
        Assert.Equal(HttpStatusCode.Redirect, ownerSignIn.StatusCode);
        Assert.NotNull(owner.Cookie("commerce.session"));

        foreach (var s in sessions)
        {
            s.Dispose();
        }

        foreach (var a in answers)
        {
            a.Dispose();
        }
    }

    [Fact]
    public async Task A_throttled_account_answers_exactly_as_an_unknown_address_does()
    {
        var known = await RegisteredAsync();
        var unknown = NewEmail();
        var client = NewClient();

        async Task<List<(HttpStatusCode, string)>> GuessAsync(string email)
        {
            var answers = new List<(HttpStatusCode, string)>();
            for (var i = 0; i < 7; i++)
            {
                using var s = shop.NewSession().ForwardedFor(client);
                using var response = await s.SignInAsync(email, $"wrong password {i}");
                var html = await response.Content.ReadAsStringAsync();
                answers.Add((response.StatusCode, ErrorText(html)));
            }

            return answers;
        }

        var knownAnswers = await GuessAsync(known);
        var unknownAnswers = await GuessAsync(unknown);
        Assert.Equal(knownAnswers, unknownAnswers);
        Assert.Equal(HttpStatusCode.Unauthorized, knownAnswers[0].Item1);
        Assert.Equal(HttpStatusCode.TooManyRequests, knownAnswers[6].Item1);
    }

    [Fact]
    public async Task One_client_guessing_across_many_addresses_is_throttled()
    {
        var client = NewClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 45; i++)
        {
            using var s = shop.NewSession().ForwardedFor(client);
            using var response = await s.SignInAsync(NewEmail(), "wrong password");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(30, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.All(statuses.Skip(30), s => Assert.Equal(HttpStatusCode.TooManyRequests, s));

        // Another client is not affected.
        var email = await RegisteredAsync();
        using var other = shop.NewSession().ForwardedFor(NewClient());
        using var signIn = await other.SignInAsync(email, "the real password");
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
    }

    [Fact]
    public async Task Registration_does_not_say_an_address_is_taken_nor_log_it()
    {
        var email = await RegisteredAsync();
        using var session = shop.NewSession().ForwardedFor(NewClient());
        using var taken = await session.PostBlazorFormAsync("/account/register", "register", new Dictionary<string, string>
        {
            ["Input.Email"] = email.ToUpperInvariant(),
            ["Input.Password"] = "another long password",
            ["Input.ConfirmPassword"] = "another long password",
        });
        var html = await taken.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, taken.StatusCode);
        Assert.DoesNotContain("already exists", html);
        Assert.Contains("could not create an account", html);
        Assert.Null(session.Cookie("commerce.session"));

        var servers = await Commerce.Tests.Infrastructure.TestServers.GetAsync();
        var log = servers.Postgres.LogFile;
        Assert.True(log is not null && File.Exists(log), "this test reads the test PostgreSQL's server log, which an external server does not provide");
        await using (var conn = new NpgsqlConnection(shop.IdentityConnectionString))
        {
            await conn.OpenAsync();
            // Makes the server write out what it has to its log before it is read.
            await using var cmd = new NpgsqlCommand("SELECT pg_catalog.pg_sleep(0.2)", conn);
            await cmd.ExecuteNonQueryAsync();
        }

        string text;
        await using (var stream = new FileStream(log!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        using (var reader = new StreamReader(stream))
        {
            text = await reader.ReadToEndAsync();
        }

        Assert.DoesNotContain(email.Split('@')[0], text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Probing_addresses_through_registration_is_throttled_like_guessing()
    {
        var email = await RegisteredAsync();
        var client = NewClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 32; i++)
        {
            using var s = shop.NewSession().ForwardedFor(client);
            using var response = await s.PostBlazorFormAsync("/account/register", "register", new Dictionary<string, string>
            {
                ["Input.Email"] = email,
                ["Input.Password"] = "another long password",
                ["Input.ConfirmPassword"] = "another long password",
            });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(30, statuses.Count(s => s == HttpStatusCode.UnprocessableEntity));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    [Theory]
    [InlineData("password")]
    [InlineData("12345678")]
    [InlineData("iloveyou1")]
    [InlineData("commerce")]
    [InlineData("{email}")]
    [InlineData("{local}")]
    public async Task Registration_refuses_common_and_guessable_passwords(string password)
    {
        var email = NewEmail();
        password = password.Replace("{email}", email, StringComparison.Ordinal).Replace("{local}", email.Split('@')[0], StringComparison.Ordinal);
        using var session = shop.NewSession().ForwardedFor(NewClient());
        using var response = await session.PostBlazorFormAsync("/account/register", "register", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = password,
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("validation-message", await response.Content.ReadAsStringAsync());
        Assert.Null(session.Cookie("commerce.session"));
    }

    private static string ErrorText(string html)
    {
        var start = html.IndexOf("id=\"sign-in-error\">", StringComparison.Ordinal);
        return start < 0 ? "" : html[(start + 19)..html.IndexOf('<', start + 19)];
    }
}
