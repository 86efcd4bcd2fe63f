namespace Commerce.Web.Accounts;

/// <summary>The first operator account (<c>Admin:Email</c>, <c>Admin:Password</c>); none when unset.</summary>
public sealed class AdminAccountOptions
{
    public const string SectionName = "Admin";
    public string? Email { get; set; }
    public string? Password { get; set; }
}
