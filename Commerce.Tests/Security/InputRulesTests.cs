using System.Security.Claims;
using Commerce.Ordering.Domain;
using Commerce.ServiceAuth;
using Commerce.Payments;

namespace Commerce.Tests.Security;

/// <summary>The pure rules behind the services' refusals, tested alone.</summary>
public sealed class InputRulesTests
{
    [Theory]
    [InlineData("0000 0000 0000 0000")]
    [InlineData("0000000000000")]
    [InlineData("1000 0000 0000 0008")]
    [InlineData("7000 0000 0000 0005")]
    [InlineData("8000 0000 0000 0003")]
    [InlineData("9999 9999 9999 9995")]
    public void A_luhn_valid_number_outside_the_payment_networks_is_refused(string number)
    {
        Assert.True(CardRules.PassesLuhn(CardRules.Digits(number)), $"{number} is meant to pass Luhn");
        Assert.Contains("not a payment card number", CardRules.NumberProblem(number));
    }

    [Theory]
    [InlineData("4242 4242 4242 4242")]
    [InlineData("5555555555554444")]
    [InlineData("2223003122003222")]
    [InlineData("378282246310005")]
    [InlineData("6011111111111117")]
    public void Cards_of_the_payment_networks_pass(string number) => Assert.Null(CardRules.NumberProblem(number));

    [Theory]
    [InlineData("Paid", OrderStatus.Paid)]
    [InlineData("paid", OrderStatus.Paid)]
    [InlineData(" StockReserved ", OrderStatus.StockReserved)]
    public void A_status_is_one_defined_name_in_any_case(string text, OrderStatus expected)
    {
        Assert.True(OrderStatusRules.TryParse(text, out var status));
        Assert.Equal(expected, status);
    }

    [Theory]
    [InlineData("Paid,Cancelled")]
    [InlineData("Paid, Cancelled")]
    [InlineData("2")]
    [InlineData("-1")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("Paid\0")]
    public void Anything_but_one_defined_name_is_no_status(string? text) => Assert.False(OrderStatusRules.TryParse(text, out _));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(" buyer")]
    [InlineData("buyer\u0000")]
    [InlineData("buyer\n2")]
    public void A_sub_that_cannot_be_a_buyer_id_has_a_problem(string? sub) => Assert.NotNull(BuyerClaims.Problem(sub));

    [Fact]
    public void Two_subs_name_no_single_buyer()
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "a"), new Claim("sub", "b")], "test"));
        Assert.NotNull(BuyerClaims.Problem(user.Claims));
        Assert.Null(user.BuyerId());
    }

    [Fact]
    public void One_plain_sub_is_the_buyer()
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "buyer-1"), new Claim("role", "admin")], "test"));
        Assert.Equal("buyer-1", user.BuyerId());
        Assert.Null(BuyerClaims.Problem(new string('b', BuyerClaims.MaxBuyerIdLength)));
        Assert.NotNull(BuyerClaims.Problem(new string('b', BuyerClaims.MaxBuyerIdLength + 1)));
    }
}
