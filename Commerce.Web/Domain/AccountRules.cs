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

    public static string? PasswordProblem(string? password)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinPasswordLength)
        {
            return $"Choose a password of at least {MinPasswordLength} characters.";
        }

        if (password.Length > MaxPasswordLength)
        {
            return $"A password has at most {MaxPasswordLength} characters.";
        }

        return string.IsNullOrWhiteSpace(password) ? "A password cannot be only spaces." : null;
    }
}
