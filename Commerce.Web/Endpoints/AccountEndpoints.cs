using Commerce.Web.Accounts;

namespace Commerce.Web.Endpoints;

public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        // Antiforgery-checked like every post (AntiforgeryEnforcement), so another site cannot sign a shopper out.
        app.MapPost("/account/sign-out", async (HttpContext context, SignInFlow flow) =>
        {
            await flow.SignOutAsync(context);
            return TypedResults.LocalRedirect("/");
        });
        return app;
    }
}
