// The whole Commerce graph, the one description of how the shop runs:
// - `dotnet run --project Commerce.AppHost` (./run.sh wraps it) starts it with the Aspire dashboard;
//   PostgreSQL, Redis and RabbitMQ run in containers where a container runtime answers, otherwise
//   from the OS packages as executables (BackingServers/); force either with
//   `--Parameters:backing-servers=containers|executables`;
// - Commerce.AppHost.Tests starts the same graph with Aspire.Hosting.Testing;
// - `azd up` reads the manifest it publishes (`--publisher manifest`), always with containers, and
//   each container app's replica range and HTTP scale rule from infra/scale.json, applied by
//   azure.yaml's postdeploy hook (docs/deploy.md).
using System.Globalization;
using System.Security.Cryptography;
using Commerce.AppHost.BackingServers;
using Commerce.AppHost.Supervision;
using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);
var mode = BackingServerModeChoice.Choose(builder);
builder.AddRestartOnExit();

// Secrets: generated on the first run and kept in the AppHost's user secrets (outside the
// repository); in publish mode azd asks for them. The token key pair is one RSA key: the services
// get its public half.
var signingKey = builder.ExecutionContext.IsRunMode
    ? builder.AddParameter("auth-signing-key", new RsaPrivateKeyDefault(), secret: true, persist: true)
    : builder.AddParameter("auth-signing-key", secret: true);
var adminEmail = builder.AddParameter("admin-email", "admin@commerce.example.com", publishValueAsDefault: true);
var adminPassword = builder.AddParameter("admin-password",
    new GenerateParameterDefault { MinLength = 20, Special = false, MinLower = 2, MinUpper = 2, MinNumeric = 2 }, secret: true, persist: true);
var publicKey = builder.ExecutionContext.IsRunMode ? null : builder.AddParameter("auth-public-key", secret: true);

IResourceBuilder<IResourceWithConnectionString> catalogDb, orderingDb, identityDb, recommendationsDb, cache, messaging;
// The services create their databases on first start (ServiceDefaults' migrations), so they wait
// for the server, not for a database.
IResourceBuilder<IResource> postgresServer;
if (mode == BackingServerMode.Containers)
{
    // Stateful servers keep exactly one replica (infra/scale.json): two processes on one volume corrupt it.
    var postgres = builder.AddPostgres("postgres").WithDataVolume();
    postgresServer = postgres;
    catalogDb = postgres.AddDatabase("catalogdb");
    orderingDb = postgres.AddDatabase("orderingdb");
    identityDb = postgres.AddDatabase("identitydb");
    recommendationsDb = postgres.AddDatabase("recommendationsdb");
    var redis = builder.AddRedis("cache").WithDataVolume().WithPersistence(TimeSpan.FromSeconds(10));
    cache = redis;
    var rabbit = builder.AddRabbitMQ("messaging").WithManagementPlugin().WithDataVolume();
    messaging = rabbit;
}
else if (!OperatingSystem.IsLinux())
{
    throw new DistributedApplicationException("Without a container runtime the servers run from Debian's packages, which needs Linux.");
}
else
{
    // One folder for all their data, kept between runs (./run.sh --reset wipes it).
    var dataRoot = Path.GetFullPath(builder.Configuration["COMMERCE_HOME"] is { Length: > 0 } home
        ? Path.Combine(home, "data")
        : Path.Combine(builder.AppHostDirectory, "..", ".commerce", "data"));
    Directory.CreateDirectory(dataRoot);
    int PortOf(string key, int fallback) => builder.Configuration.GetValue(key, fallback);

    var pgPassword = builder.AddParameter("postgres-password", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
    var redisPassword = builder.AddParameter("cache-password", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
    var rabbitPassword = builder.AddParameter("messaging-password", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

    var postgres = builder.AddLocalPostgres("postgres", dataRoot, PortOf("COMMERCE_POSTGRES_PORT", 5110), pgPassword);
    postgresServer = postgres;
    catalogDb = postgres.AddLocalDatabase("catalogdb");
    orderingDb = postgres.AddLocalDatabase("orderingdb");
    identityDb = postgres.AddLocalDatabase("identitydb");
    recommendationsDb = postgres.AddLocalDatabase("recommendationsdb");
    var redis = builder.AddLocalRedis("cache", dataRoot, PortOf("COMMERCE_REDIS_PORT", 5111), redisPassword);
    cache = redis;
    var rabbit = builder.AddLocalRabbitMQ("messaging", dataRoot, PortOf("COMMERCE_RABBITMQ_PORT", 5112),
        managementPort: PortOf("COMMERCE_RABBITMQ_MANAGEMENT_PORT", 5113), distributionPort: PortOf("COMMERCE_RABBITMQ_DIST_PORT", 5114),
        epmdPort: PortOf("COMMERCE_EPMD_PORT", 5115), rabbitPassword);
    messaging = rabbit;
}

// The services. No launch profile: each gets one http endpoint named "http"; the ports are fixed
// in run mode so the addresses stay the same between runs (COMMERCE_*_PORT moves them).
int? ServicePort(string key, int fallback) =>
    builder.ExecutionContext.IsRunMode ? builder.Configuration.GetValue(key, fallback) : null;

// Catalog, Cart and Ordering can run as several replicas behind the AppHost's proxy on their one
// port (COMMERCE_REPLICAS, default 1), as on Container Apps; the chaos drill kills one of each.
var replicas = builder.ExecutionContext.IsRunMode ? builder.Configuration.GetValue("COMMERCE_REPLICAS", 1) : 1;
IResourceBuilder<ProjectResource> Replicated(IResourceBuilder<ProjectResource> service) =>
    replicas > 1 ? service.WithReplicas(replicas) : service;

IResourceBuilder<ProjectResource> Service<TProject>(string name, string portKey, int defaultPort)
    where TProject : IProjectMetadata, new()
{
    var service = builder.AddProject<TProject>(name, launchProfileName: null)
        .WithHttpEndpoint(port: ServicePort(portKey, defaultPort))
        .WithHttpHealthCheck("/health")
        .WithEnvironment(context =>
        {
            context.EnvironmentVariables["Auth__PublicKey"] = publicKey is not null
                ? publicKey.Resource
                : new PublicKeyOf(signingKey.Resource);
            // Aspire gives every service always_on and a metric export every second for the
            // dashboard; a sampler or an export interval the developer set (a load test on a small
            // machine, where the dashboard's ingestion would take half a core) wins, as the
            // OpenTelemetry variables do everywhere else.
            foreach (var key in (string[])["OTEL_TRACES_SAMPLER", "OTEL_TRACES_SAMPLER_ARG", "OTEL_METRIC_EXPORT_INTERVAL"])
            {
                if (builder.ExecutionContext.IsRunMode && builder.Configuration[key] is { Length: > 0 } value)
                {
                    context.EnvironmentVariables[key] = value;
                }
            }
        });
    return service;
}

// A service waits only for PostgreSQL and Redis, which it needs to answer at all. Not for RabbitMQ:
// events wait in its outbox until MassTransit connects (until then /health says Degraded). Not for
// the services it calls: it degrades while they are away, as it must in production. Starting them
// all at once while the broker boots makes a warm start 8 s shorter (docs/development.md).
var catalog = Replicated(Service<Projects.Commerce_Catalog>("catalog", "COMMERCE_CATALOG_PORT", 5101))
    .WithReference(catalogDb).WaitFor(postgresServer)
    .WithReference(cache).WaitFor(cache)
    .WithReference(messaging);

// Elasticsearch is opt-in (--Parameters:use-elasticsearch=true, containers only): without
// `search`, Catalog searches with PostgreSQL full-text search. Aspire's Elasticsearch hosting
// package is not used, so the container is described here.
if (builder.Configuration.GetValue("Parameters:use-elasticsearch", false))
{
    var elasticPassword = builder.AddParameter("search-password", new GenerateParameterDefault { MinLength = 22, Special = false }, secret: true, persist: true);
    var search = builder.AddContainer("search", "docker.elastic.co/elasticsearch/elasticsearch", "9.1.5")
        .WithHttpEndpoint(targetPort: 9200, name: "http")
        .WithEnvironment("discovery.type", "single-node")
        .WithEnvironment("xpack.security.enabled", "true")
        .WithEnvironment("xpack.security.http.ssl.enabled", "false")
        .WithEnvironment("ES_JAVA_OPTS", "-Xms512m -Xmx512m")
        .WithEnvironment("ELASTIC_PASSWORD", elasticPassword)
        .WithVolume("commerce-search-data", "/usr/share/elasticsearch/data")
        .WithHttpHealthCheck("/_cluster/health?local=true", statusCode: 401);
    var endpoint = search.GetEndpoint("http");
    catalog.WithEnvironment("ConnectionStrings__search",
            ReferenceExpression.Create($"http://elastic:{elasticPassword}@{endpoint.Property(EndpointProperty.Host)}:{endpoint.Property(EndpointProperty.Port)}"))
        .WaitFor(search);
}

var cart = Replicated(Service<Projects.Commerce_Cart>("cart", "COMMERCE_CART_PORT", 5102))
    .WithReference(cache).WaitFor(cache)
    .WithReference(messaging)
    .WithReference(catalog);

var ordering = Replicated(Service<Projects.Commerce_Ordering>("ordering", "COMMERCE_ORDERING_PORT", 5103))
    .WithReference(orderingDb).WaitFor(postgresServer)
    .WithReference(messaging)
    .WithReference(catalog)
    .WithReference(cart);

// Learns from paid orders only; nothing waits for it: the storefront renders without its sections when it is away.
// COMMERCE_RECOMMENDATIONS=false leaves the service out altogether (the shop as it was without it).
var recommendations = builder.Configuration.GetValue("COMMERCE_RECOMMENDATIONS", true)
    ? Service<Projects.Commerce_Recommendations>("recommendations", "COMMERCE_RECOMMENDATIONS_PORT", 5104)
        .WithReference(recommendationsDb).WaitFor(postgresServer)
        .WithReference(messaging)
        .WithReference(catalog)
    : null;

// The storefront: the only service reachable from outside, and the only one holding the signing key.
var web = Service<Projects.Commerce_Web>("web", "COMMERCE_WEB_PORT", 5100)
    .WithExternalHttpEndpoints()
    .WithReference(identityDb).WaitFor(postgresServer)
    // For sharing Web's Data Protection keys between replicas once it uses it (docs/deploy.md).
    .WithReference(cache).WaitFor(cache)
    .WithReference(catalog)
    .WithReference(cart)
    .WithReference(ordering)
    .WithEnvironment("Auth__SigningKey", signingKey)
    .WithEnvironment("Admin__Email", adminEmail)
    .WithEnvironment("Admin__Password", adminPassword);
if (recommendations is not null)
{
    // A reference without WaitFor: the shop opens whether or not recommendations are up.
    web.WithReference(recommendations);
}

builder.Build().Run();

/// <summary>A new RSA 2048 private key (PKCS#8 PEM) for signing the storefront's service tokens.</summary>
internal sealed class RsaPrivateKeyDefault : ParameterDefault
{
    public override string GetDefaultValue()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    // Only used in run mode: in publish mode the key is a plain secret parameter that azd asks for.
    public override void WriteToManifest(Aspire.Hosting.Publishing.ManifestPublishingContext context) =>
        throw new NotSupportedException("The signing key is generated only in run mode.");
}

/// <summary>The public half (SubjectPublicKeyInfo PEM) of the private key a parameter holds, resolved when a service starts.</summary>
internal sealed class PublicKeyOf(ParameterResource privateKey) : IValueProvider, IManifestExpressionProvider
{
    public string ValueExpression => throw new NotSupportedException("Only used in run mode.");

    public async ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default)
    {
        var pem = await privateKey.GetValueAsync(cancellationToken);
        using var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return rsa.ExportSubjectPublicKeyInfoPem();
    }
}
