using Commerce.Recommendations.Domain;

namespace Commerce.Tests.Recommendations;

/// <summary>The counting, windowing and ranking rules alone.</summary>
public sealed class RecommendationsDomainTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_order_counts_once_when_its_lines_and_payment_are_both_known_in_either_order()
    {
        var (afterLines, step1) = OrderProgress.Unknown.WithLines();
        var (paid, step2) = afterLines.WithPayment(Now);
        Assert.Equal((TallyStep.None, TallyStep.Count), (step1, step2));
        Assert.True(paid.Counted);

        var (paidFirst, step3) = OrderProgress.Unknown.WithPayment(Now);
        var (thenLines, step4) = paidFirst.WithLines();
        Assert.Equal((TallyStep.None, TallyStep.Count), (step3, step4));
        Assert.Equal(paid, thenLines);
    }

    [Fact]
    public void Repeated_lines_or_payments_never_count_again()
    {
        var (counted, _) = OrderProgress.Unknown.WithLines().Next.WithPayment(Now);
        Assert.Equal(TallyStep.None, counted.WithPayment(Now.AddMinutes(5)).Step);
        Assert.Equal(TallyStep.None, counted.WithLines().Step);
        // A second payment keeps the first payment's time.
        Assert.Equal(Now, counted.WithPayment(Now.AddMinutes(5)).Next.PaidAt);
    }

    [Fact]
    public void A_cancellation_wins_whenever_it_arrives_and_takes_a_counted_order_out_once()
    {
        var (counted, _) = OrderProgress.Unknown.WithLines().Next.WithPayment(Now);
        var (cancelled, step) = counted.WithCancellation();
        Assert.Equal(TallyStep.Uncount, step);
        Assert.False(cancelled.Counted);
        Assert.Equal(TallyStep.None, cancelled.WithCancellation().Step);
        Assert.Equal(TallyStep.None, cancelled.WithPayment(Now).Step);

        var (cancelledFirst, _) = OrderProgress.Unknown.WithCancellation();
        var (withLines, s1) = cancelledFirst.WithLines();
        var (withPayment, s2) = withLines.WithPayment(Now);
        Assert.Equal((TallyStep.None, TallyStep.None), (s1, s2));
        Assert.False(withPayment.Counted);
    }

    [Fact]
    public void Pairs_go_both_ways_between_distinct_products_sorted_and_units_are_summed_per_product()
    {
        var lines = new[] { new SoldProduct(3, 1), new SoldProduct(1, 2), new SoldProduct(3, 4), new SoldProduct(2, 0) };
        Assert.Equal([new SoldProduct(1, 2), new SoldProduct(3, 5)], ProductPairs.Products(lines));
        Assert.Equal([(1, 3), (3, 1)], ProductPairs.Of(lines));
        Assert.Empty(ProductPairs.Of([new SoldProduct(7, 3)]));

        var three = ProductPairs.Of([new SoldProduct(5, 1), new SoldProduct(4, 1), new SoldProduct(6, 1)]);
        Assert.Equal([(4, 5), (4, 6), (5, 4), (5, 6), (6, 4), (6, 5)], three);
    }

    [Fact]
    public void A_huge_order_pairs_only_its_largest_products()
    {
        var lines = Enumerable.Range(1, ProductPairs.MaxProductsPaired + 10).Select(id => new SoldProduct(id, id)).ToList();
        var pairs = ProductPairs.Of(lines);
        Assert.Equal(ProductPairs.MaxProductsPaired * (ProductPairs.MaxProductsPaired - 1), pairs.Count);
        Assert.DoesNotContain(pairs, p => p.ProductId <= 10 || p.OtherId <= 10);
        Assert.Equal(ProductPairs.MaxProductsPaired + 10, ProductPairs.Products(lines).Count);
    }

    [Fact]
    public void Trending_counts_only_the_window_and_weighs_recent_units_more()
    {
        var window = TimeSpan.FromHours(1);
        Assert.Equal(1.0, TrendingScore.Weight(Now, Now, window));
        Assert.Equal(0.75, TrendingScore.Weight(Now.AddMinutes(-30), Now, window), 6);
        Assert.Equal(0.0, TrendingScore.Weight(Now.AddHours(-1), Now, window));
        Assert.Equal(1.0, TrendingScore.Weight(Now.AddMinutes(2), Now, window));

        var ranked = TrendingScore.Rank(
        [
            new SalesBucket(1, Now.AddMinutes(-50), 10), // old burst: 10 × 0.583 = 5.833
            new SalesBucket(2, Now.AddMinutes(-1), 6),   // taking off: 6 × 0.992 = 5.95
            new SalesBucket(3, Now.AddMinutes(-61), 100), // outside the window
            new SalesBucket(4, Now.AddMinutes(-10), 2),
            new SalesBucket(4, Now.AddMinutes(-5), 1),
        ], Now, window, take: 8);
        Assert.Equal([2, 1, 4], ranked.Select(t => t.ProductId));
        Assert.Equal(3, ranked[2].Units);
        Assert.Equal([2], TrendingScore.Rank([new SalesBucket(2, Now, 1), new SalesBucket(1, Now.AddSeconds(-1), 1)], Now, window, 1).Select(t => t.ProductId));
    }

    [Fact]
    public void Bought_together_comes_first_then_the_categorys_best_sellers_without_the_product_itself_or_repeats()
    {
        var ranked = RecommendationRanking.Rank(10,
            [new BoughtWith(11, 2, 5), new BoughtWith(12, 3, 1), new BoughtWith(13, 2, 9)],
            [new BestSeller(10, 100), new BestSeller(12, 50), new BestSeller(14, 40), new BestSeller(15, 40)],
            take: 5);
        Assert.Equal([12, 13, 11, 14, 15], ranked.Select(r => r.ProductId));
        Assert.Equal(
            [RecommendationReasons.BoughtTogether, RecommendationReasons.BoughtTogether, RecommendationReasons.BoughtTogether,
             RecommendationReasons.CategoryBestSeller, RecommendationReasons.CategoryBestSeller],
            ranked.Select(r => r.Reason));

        // A cold product: its category's best sellers only.
        Assert.Equal([14, 15], RecommendationRanking.Rank(20, [], [new BestSeller(15, 3), new BestSeller(14, 9), new BestSeller(16, 0)], 4).Select(r => r.ProductId));
        Assert.Equal([12], RecommendationRanking.Rank(10, [new BoughtWith(12, 3, 1), new BoughtWith(13, 2, 9)], [], take: 1).Select(r => r.ProductId));
    }
}
