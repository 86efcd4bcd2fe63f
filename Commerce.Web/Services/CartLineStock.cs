using Commerce.Cart.Contracts;

namespace Commerce.Web.Services;

public static class CartLineStock
{
    extension(CartLineView line)
    {
        /// <summary>The line cannot be bought as it stands: the product is gone, sold out or short of the quantity.</summary>
        public bool Short => !line.Available || line.AvailableStock is { } stock && stock < line.Quantity;
    }
}
