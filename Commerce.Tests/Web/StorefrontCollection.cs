namespace Commerce.Tests.Web;

/// <summary>
/// The storefront's HTTP and browser tests share one shop (and one Chromium): a stack is three
/// services with their own connection pools, and the run's PostgreSQL has a connection limit.
/// </summary>
[CollectionDefinition(Name)]
public sealed class StorefrontCollection : ICollectionFixture<ShopStack>, ICollectionFixture<Chromium>
{
    public const string Name = "storefront";
}
