using Commerce.Data;

namespace Commerce.Web.Data;

/// <summary>The storefront's account context for <c>dotnet ef</c> (docs/development.md).</summary>
public sealed class IdentityDbDesignTimeFactory : DesignTimeDbContextFactory<IdentityDb>;
