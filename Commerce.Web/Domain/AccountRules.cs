using System.Collections.Frozen;
using System.Net.Mail;

namespace Commerce.Web.Domain;

/// <summary>What makes an e-mail address and a password acceptable for a shopper account.</summary>
public static class AccountRules
{
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 128;
    public const int MaxEmailLength = 256;

    /// <summary>The form an address is compared in, so "Ann@Example.com" and "ann@example.com" are one account.</summary>
    public static string NormalizeEmail(string email) => email.Trim().ToUpperInvariant();

    public static string? EmailProblem(string? email)
    {
        var trimmed = email?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return "Enter your e-mail address.";
        }

        if (trimmed.Length > MaxEmailLength)
        {
            return $"An e-mail address has at most {MaxEmailLength} characters.";
        }

        return MailAddress.TryCreate(trimmed, out var parsed) && parsed.Address == trimmed && trimmed.Contains('.', StringComparison.Ordinal)
            ? null
            : "Enter an e-mail address like name@example.com.";
    }

    /// <summary>Words that make a password guessable on this site whoever the shopper is.</summary>
    public static readonly IReadOnlyList<string> SiteWords = ["commerce", "shop", "storefront"];

    /// <summary>
    /// Why <paramref name="password"/> is not acceptable for the account of <paramref name="email"/>,
    /// or null: too short or long, one of the most common passwords (also with digits or symbols
    /// added at the end), or built from the e-mail address or the site's name.
    /// </summary>
    public static string? PasswordProblem(string? password, string? email = null)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinPasswordLength)
        {
            return $"Choose a password of at least {MinPasswordLength} characters.";
        }

        if (password.Length > MaxPasswordLength)
        {
            return $"A password has at most {MaxPasswordLength} characters.";
        }

        if (string.IsNullOrWhiteSpace(password))
        {
            return "A password cannot be only spaces.";
        }

        var lower = password.ToLowerInvariant();
        if (CommonPasswords.Contains(lower) || CommonPasswords.Contains(lower.TrimEnd(Decorations)))
        {
            return "This password is one of the most common ones and is easy to guess. Choose another.";
        }

        var address = email?.Trim().ToLowerInvariant() ?? "";
        var local = address.Split('@')[0];
        if (address.Length > 0 && (lower.Contains(address, StringComparison.Ordinal) || (local.Length >= 3 && lower.Contains(local, StringComparison.Ordinal))))
        {
            return "A password must not contain your e-mail address. Choose another.";
        }

        var letters = lower.Trim(Decorations);
        return SiteWords.Any(w => letters.Contains(w, StringComparison.Ordinal) && letters.Length < w.Length + 6)
            ? "A password must not be made from the shop's name. Choose another."
            : null;
    }

    private static readonly char[] Decorations = "0123456789!@#$%^&*()-_=+.,;:?~ ".ToCharArray();

    /// <summary>Shipped with the project (Domain/Data/common-passwords.txt), never fetched at run time.</summary>
    private static readonly FrozenSet<string> CommonPasswords = LoadCommonPasswords();

    private static FrozenSet<string> LoadCommonPasswords()
    {
        using var stream = typeof(AccountRules).Assembly.GetManifestResourceStream("Commerce.Web.Domain.Data.common-passwords.txt")
            ?? throw new InvalidOperationException("The common-password list is missing from the assembly.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#')
            {
                set.Add(line.Trim().ToLowerInvariant());
            }
        }

        return set.ToFrozenSet(StringComparer.Ordinal);
    }
}
