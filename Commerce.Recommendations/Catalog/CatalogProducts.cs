using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Commerce.Catalog.Contracts;
using Microsoft.Extensions.Options;

namespace Commerce.Recommendations.Catalog;

/// <summary>What this service needs of a product: whether it exists, and its category.</summary>
public sealed record CatalogProduct(int Id, string? Category);

public enum CatalogAnswer
{
    Found,
    NotFound,
    Unreachable,
}

/// <summary>
/// Catalog's public product reads (<c>GET /api/catalog/products/{id}</c> and <c>?ids=</c>): the
/// source of a product's category. Every failure (no answer, timeout, open circuit, an error
/// status, an unreadable answer) is <see cref="CatalogAnswer.Unreachable"/>, never an exception.
/// </summary>
public sealed class CatalogProducts(HttpClient http, IOptions<RecommendationsOptions> options, ILogger<CatalogProducts> logger)
{
    /// <summary>Catalog answers at most this many ids per request.</summary>
    public const int MaxIdsPerCall = 100;

    public async Task<(CatalogAnswer Answer, CatalogProduct? Product)> GetAsync(int id, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.CatalogTimeout);
        try
        {
            using var response = await http.GetAsync($"api/catalog/products/{id.ToString(CultureInfo.InvariantCulture)}", timeout.Token);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return (CatalogAnswer.NotFound, null);
            }

            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("Catalog answered {StatusCode} for product {ProductId}", (int)response.StatusCode, id);
                return (CatalogAnswer.Unreachable, null);
            }

            var product = await response.Content.ReadFromJsonAsync<ProductResponse>(timeout.Token);
            return product is null ? (CatalogAnswer.Unreachable, null) : (CatalogAnswer.Found, Of(product));
        }
        catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning("Catalog could not be asked for product {ProductId}: {Reason}", id, ex.Message);
            return (CatalogAnswer.Unreachable, null);
        }
    }

    /// <summary>The products Catalog knows among <paramref name="ids"/> (those missing are gone); throws when Catalog cannot be asked.</summary>
    public async Task<IReadOnlyList<CatalogProduct>> GetManyAsync(IReadOnlyCollection<int> ids, CancellationToken cancellationToken)
    {
        var found = new List<CatalogProduct>();
        foreach (var chunk in ids.Distinct().Order().Chunk(MaxIdsPerCall))
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.CatalogTimeout);
            var page = await http.GetFromJsonAsync<ProductPage>(
                "api/catalog/products?ids=" + string.Join(',', chunk.Select(i => i.ToString(CultureInfo.InvariantCulture))), timeout.Token)
                ?? throw new HttpRequestException("Catalog answered an empty body to a batch read.");
            found.AddRange((page.Items ?? []).Select(Of));
        }

        return found;
    }

    private static CatalogProduct Of(ProductResponse product) => new(product.Id, product.Category);
}
