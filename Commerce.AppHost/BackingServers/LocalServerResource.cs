namespace Commerce.AppHost.BackingServers;

/// <summary>
/// A server from the OS packages run as an Aspire executable that carries a connection string, so
/// <c>WithReference</c> and <c>WaitFor</c> treat it exactly like Aspire's container resources and the
/// services get the same <c>ConnectionStrings__*</c> either way.
/// </summary>
internal sealed class LocalServerResource(string name, string command, string workingDirectory, ReferenceExpression connectionString)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public ReferenceExpression ConnectionStringExpression { get; } = connectionString;
}

/// <summary>
/// A database on a <see cref="LocalServerResource"/> PostgreSQL server (as Aspire's
/// <c>PostgresDatabaseResource</c> is on its container): its state and health are the server's, and
/// the service that uses it creates it on first start.
/// </summary>
internal sealed class LocalDatabaseResource(string name, LocalServerResource parent)
    : Resource(name), IResourceWithParent<LocalServerResource>, IResourceWithConnectionString
{
    public LocalServerResource Parent { get; } = parent;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Parent};Database={Name}");
}
