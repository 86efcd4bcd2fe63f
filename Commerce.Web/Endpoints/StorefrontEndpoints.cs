using Commerce.Web.Services;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Commerce.Web.Endpoints;

public static class StorefrontEndpoints
{
    public sealed record SuggestionView(string Text, string Url);

    public static IEndpointRouteBuilder MapStorefrontEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/search/suggest", SuggestAsync).DisableAntiforgery();
        app.MapGet("/images/products/{id:int}", ImageAsync);
        return app;
    }

    /// <summary>Suggestions for the search box; an empty list when Catalog cannot answer (the form still searches).</summary>
    private static async Task<Ok<IReadOnlyList<SuggestionView>>> SuggestAsync(string? q, CatalogClient catalog, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        var term = q?.Trim() ?? "";
        if (term.Length is < 2 or > 100)
        {
            return TypedResults.Ok<IReadOnlyList<SuggestionView>>([]);
        }

        try
        {
            var suggestions = await catalog.SuggestAsync(term, cancellationToken);
            return TypedResults.Ok<IReadOnlyList<SuggestionView>>(suggestions.Take(8)
                .Select(s => new SuggestionView(s, "/catalog?q=" + Uri.EscapeDataString(s)))
                .ToList());
        }
        catch (Exception ex) when (ex is ServiceUnavailableException or ServiceRejectedException)
        {
            logs.CreateLogger("Commerce.Web.Search").LogWarning("Suggestions unavailable: {Reason}", ex.Message);
            return TypedResults.Ok<IReadOnlyList<SuggestionView>>([]);
        }
    }

    /// <summary>
    /// Product images through the storefront, the shoppers' only entry point; a drawn placeholder
    /// when Catalog has none or cannot answer, so a page never shows a broken image.
    /// </summary>
    private static async Task<IResult> ImageAsync(int id, CatalogClient catalog, HttpContext context, CancellationToken cancellationToken)
    {
        try
        {
            var response = await catalog.GetImageAsync(id, cancellationToken);
            if (response is not null)
            {
                context.Response.RegisterForDispose(response);
                context.Response.Headers.CacheControl = "public, max-age=3600";
                var type = response.Content.Headers.ContentType?.ToString() ?? "image/jpeg";
                return TypedResults.Stream(await response.Content.ReadAsStreamAsync(cancellationToken), type);
            }
        }
        catch (ServiceUnavailableException)
        {
            // Fall through to the placeholder.
        }

        context.Response.Headers.CacheControl = "public, max-age=60";
        return TypedResults.Text(Placeholder, "image/svg+xml");
    }

    private const string Placeholder = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" role="img" aria-label="No picture">
          <rect width="400" height="400" fill="#eef1f6"/>
          <g fill="none" stroke="#b7c0cf" stroke-width="10" stroke-linejoin="round">
            <rect x="110" y="130" width="180" height="140" rx="14"/>
            <circle cx="165" cy="180" r="18"/>
            <path d="M120 260l55-55 40 40 30-30 45 45"/>
          </g>
        </svg>
        """;
}
