using Commerce.Ordering.Domain;

namespace Commerce.Tests.Ordering;

public sealed class ShippingAddressTests
{
    [Fact]
    public void A_complete_address_is_trimmed_and_kept()
    {
        var (address, errors) = ShippingAddressRules.Parse(" Ada ", "1 Main St", "Springfield", "12345", "US");
        Assert.Empty(errors);
        Assert.Equal(new ShippingAddress("Ada", "1 Main St", "Springfield", "12345", "US"), address);
    }

    [Fact]
    public void Missing_long_or_unprintable_fields_are_named()
    {
        var (address, errors) = ShippingAddressRules.Parse("", new string('x', 201), "Spring\u0000field", "12345", null);
        Assert.Null(address);
        Assert.Equal(["shippingAddress.city", "shippingAddress.country", "shippingAddress.name", "shippingAddress.street"], errors.Keys.Order());
    }
}
