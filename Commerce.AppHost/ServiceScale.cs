using Azure.Provisioning.AppContainers;

namespace Commerce.AppHost;

/// <summary>
/// A container app's replica range and HTTP scale rule. The numbers and the reasoning behind them
/// are in docs/deploy.md ("How each service scales"): the minimum carries an ordinary peak at
/// about 60 % of the target, so the first seconds of a surge land on spare capacity; the maximum
/// covers a tenfold surge with room to spare.
/// </summary>
/// <param name="ConcurrentRequests">
/// The HTTP rule's <c>concurrentRequests</c>: Container Apps computes it every 15 s as the requests
/// of the last 15 s divided by 15 (a rate per replica) and adds replicas above it. Null for apps
/// that must not scale by load.
/// </param>
internal sealed record ServiceScale(int MinReplicas, int MaxReplicas, int? ConcurrentRequests)
{
    public static readonly ServiceScale Web = new(MinReplicas: 2, MaxReplicas: 20, ConcurrentRequests: 50);
    public static readonly ServiceScale Catalog = new(MinReplicas: 2, MaxReplicas: 20, ConcurrentRequests: 100);
    public static readonly ServiceScale Cart = new(MinReplicas: 2, MaxReplicas: 10, ConcurrentRequests: 100);
    public static readonly ServiceScale Ordering = new(MinReplicas: 2, MaxReplicas: 10, ConcurrentRequests: 25);

    /// <summary>Databases, cache and broker in containers: one process per data volume.</summary>
    public static readonly ServiceScale SingleReplica = new(MinReplicas: 1, MaxReplicas: 1, ConcurrentRequests: null);

    public void ApplyTo(ContainerApp app)
    {
        // Aspire creates Template.Scale before this customisation runs (ContainerAppContext sets
        // MinReplicas from WithReplicas); here it is completed.
        app.Template.Scale.MinReplicas = MinReplicas;
        app.Template.Scale.MaxReplicas = MaxReplicas;
        if (ConcurrentRequests is { } concurrent)
        {
            app.Template.Scale.Rules =
            [
                new ContainerAppScaleRule
                {
                    Name = "http-concurrency",
                    Http = new ContainerAppHttpScaleRule
                    {
                        Metadata = { { "concurrentRequests", concurrent.ToString(System.Globalization.CultureInfo.InvariantCulture) } },
                    },
                },
            ];
        }
    }
}
