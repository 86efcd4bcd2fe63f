using Commerce.ServiceAuth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Commerce.Messaging.Replay;

public static class MessagingAdminEndpoints
{
    /// <summary>
    /// <c>POST /api/admin/messaging/{queue}/replay[?max=n]</c> (admin policy): moves the messages
    /// parked in <c>{queue}_error</c> back to <c>{queue}</c>. Needs <c>AddServiceAuthentication</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapMessagingAdminEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/admin/messaging")
            .RequireAuthorization(ServiceAuthOptions.AdminPolicy)
            .WithTags("Messaging");
        group.MapPost("/{queue}/replay", ReplayAsync).WithName("ReplayErrorQueue");
        return endpoints;
    }

    private static async Task<Results<Ok<ReplayResult>, ProblemHttpResult>> ReplayAsync(
        string queue, int? max, ErrorQueueReplayer replayer, CancellationToken cancellationToken)
    {
        if (max is < 1)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid max",
                detail: "max must be at least 1, or left out to replay every parked message.");
        }

        try
        {
            return TypedResults.Ok(await replayer.ReplayAsync(queue, max, cancellationToken));
        }
        catch (ReplayException ex)
        {
            var (status, title) = ex.Failure switch
            {
                ReplayFailure.InvalidQueueName => (StatusCodes.Status400BadRequest, "Invalid queue name"),
                ReplayFailure.QueueNotFound => (StatusCodes.Status404NotFound, "Queue not found"),
                _ => (StatusCodes.Status503ServiceUnavailable, "Broker unavailable"),
            };
            return TypedResults.Problem(statusCode: status, title: title, detail: ex.Message);
        }
    }
}
