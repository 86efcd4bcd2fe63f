// The whole Commerce graph: `dotnet run --project Commerce.AppHost` runs it in containers with the
// Aspire dashboard; `azd up` publishes the same graph to Azure Container Apps.
//
// Every Aspire identifier used here was checked against Aspire's source at tag v13.5.2 (the public
// API files src/<Package>/api/<Package>.cs) and Elasticsearch's against elastic/elastic-aspire-dotnet
// tag 13.2.0; docs/deploy.md lists what was checked where. The project cannot be compiled on the
// build machines (no Aspire package restores there).
using Commerce.AppHost;
using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

// Publish target: one Container Apps environment for every service. Does nothing in run mode.
builder.AddAzureContainerAppEnvironment("commerce-env");

// Token keys and the first admin: secret parameters (user secrets locally, prompted by azd).
// The public key is not secret but travels with its private half.
var signingKey = builder.AddParameter("auth-signing-key", secret: true);
var publicKey = builder.AddParameter("auth-public-key", secret: true);
var adminEmail = builder.AddParameter("admin-email", "admin@commerce.example.com", publishValueAsDefault: true);
var adminPassword = builder.AddParameter("admin-password", secret: true);

// Backing services. Stateful containers keep exactly one replica: two PostgreSQL, Redis or
// RabbitMQ processes on one data volume would corrupt it.
var postgres = builder.AddPostgres("postgres")
    .WithDataVolume()
    .WithPgAdmin()
    .PublishAsAzureContainerApp((_, app) => ServiceScale.SingleReplica.ApplyTo(app));
var catalogDb = postgres.AddDatabase("catalogdb");
var orderingDb = postgres.AddDatabase("orderingdb");
var identityDb = postgres.AddDatabase("identitydb");

var cache = builder.AddRedis("cache")
    .WithDataVolume()
    .WithPersistence(TimeSpan.FromSeconds(10))
    .PublishAsAzureContainerApp((_, app) => ServiceScale.SingleReplica.ApplyTo(app));

var messaging = builder.AddRabbitMQ("messaging")
    .WithManagementPlugin()
    .WithDataVolume()
    .PublishAsAzureContainerApp((_, app) => ServiceScale.SingleReplica.ApplyTo(app));

// The services. No launch profile: each gets one explicit http endpoint, so the graph does not
// depend on a launchSettings.json and the endpoint is named "http" everywhere.
var catalog = builder.AddProject<Projects.Commerce_Catalog>("catalog", launchProfileName: null)
    .WithHttpEndpoint()
    .WithHttpHealthCheck("/health")
    .WithReference(catalogDb).WaitFor(catalogDb)
    .WithReference(cache).WaitFor(cache)
    .WithReference(messaging).WaitFor(messaging)
    .WithEnvironment("Auth__PublicKey", publicKey)
    .PublishAsAzureContainerApp((_, app) => ServiceScale.Catalog.ApplyTo(app));

// Elasticsearch is opt-in (Parameters:useElasticsearch=true): without `search`, Catalog searches
// with PostgreSQL full-text search. The switch shapes the graph, so it is read while building it.
if (builder.Configuration.GetValue("Parameters:useElasticsearch", false))
{
    var search = builder.AddElasticsearch("search")
        .WithDataVolume()
        .PublishAsAzureContainerApp((_, app) => ServiceScale.SingleReplica.ApplyTo(app));
    catalog.WithReference(search).WaitFor(search);
}

var cart = builder.AddProject<Projects.Commerce_Cart>("cart", launchProfileName: null)
    .WithHttpEndpoint()
    .WithHttpHealthCheck("/health")
    .WithReference(cache).WaitFor(cache)
    .WithReference(messaging).WaitFor(messaging)
    .WithReference(catalog).WaitFor(catalog)
    .WithEnvironment("Auth__PublicKey", publicKey)
    .PublishAsAzureContainerApp((_, app) => ServiceScale.Cart.ApplyTo(app));

var ordering = builder.AddProject<Projects.Commerce_Ordering>("ordering", launchProfileName: null)
    .WithHttpEndpoint()
    .WithHttpHealthCheck("/health")
    .WithReference(orderingDb).WaitFor(orderingDb)
    .WithReference(messaging).WaitFor(messaging)
    .WithReference(catalog).WaitFor(catalog)
    .WithReference(cart).WaitFor(cart)
    .WithEnvironment("Auth__PublicKey", publicKey)
    .PublishAsAzureContainerApp((_, app) => ServiceScale.Ordering.ApplyTo(app));

// The storefront: the only service reachable from outside, and the only one holding the signing key.
builder.AddProject<Projects.Commerce_Web>("web", launchProfileName: null)
    .WithHttpEndpoint()
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health")
    .WithReference(identityDb).WaitFor(identityDb)
    // Not used by Web yet; there for sharing its Data Protection keys between replicas (docs/deploy.md).
    .WithReference(cache).WaitFor(cache)
    .WithReference(catalog).WaitFor(catalog)
    .WithReference(cart).WaitFor(cart)
    .WithReference(ordering).WaitFor(ordering)
    .WithEnvironment("Auth__SigningKey", signingKey)
    .WithEnvironment("Auth__PublicKey", publicKey)
    .WithEnvironment("Admin__Email", adminEmail)
    .WithEnvironment("Admin__Password", adminPassword)
    .PublishAsAzureContainerApp((_, app) => ServiceScale.Web.ApplyTo(app));

builder.Build().Run();
