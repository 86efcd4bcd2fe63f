using System.Diagnostics;
using System.Text.Json;

namespace Commerce.AppHost.Tests;

/// <summary>
/// What azd reads: the manifest the AppHost publishes (`--publisher manifest`), and the scale
/// settings azure.yaml's postdeploy hook applies to the container apps azd creates from it.
/// </summary>
public sealed class PublishTests
{
    private static readonly string Repo = FindRepo();

    private static readonly string[] Services = ["catalog", "cart", "ordering", "recommendations", "web"];

    [Fact]
    public async Task The_manifest_describes_the_graph_with_containers_and_only_the_storefront_outside()
    {
        var manifest = await PublishManifestAsync();
        var resources = manifest.GetProperty("resources");

        foreach (var service in Services)
        {
            var resource = resources.GetProperty(service);
            Assert.StartsWith("project.", resource.GetProperty("type").GetString());
            var env = resource.GetProperty("env");
            Assert.True(env.TryGetProperty("Auth__PublicKey", out _), $"{service} gets no Auth__PublicKey");
            Assert.Equal(service == "web", env.TryGetProperty("Auth__SigningKey", out _));
            foreach (var binding in resource.GetProperty("bindings").EnumerateObject())
            {
                var external = binding.Value.TryGetProperty("external", out var e) && e.GetBoolean();
                Assert.True(external == (service == "web"), $"{service}'s {binding.Name} binding: external={external}");
            }
        }

        // Backing servers are containers when published, whatever ran locally; databases are Aspire's.
        foreach (var server in new[] { "postgres", "cache", "messaging" })
        {
            Assert.StartsWith("container.", resources.GetProperty(server).GetProperty("type").GetString());
        }

        foreach (var database in new[] { "catalogdb", "orderingdb", "identitydb", "recommendationsdb" })
        {
            Assert.Equal("value.v0", resources.GetProperty(database).GetProperty("type").GetString());
        }

        Assert.DoesNotContain(resources.EnumerateObject(), r => r.Value.GetProperty("type").GetString()!.StartsWith("executable.", StringComparison.Ordinal));

        // The configuration contract (ARCHITECTURE.md), as the services read it.
        Assert.Equal("{catalogdb.connectionString}", Env("catalog", "ConnectionStrings__catalogdb"));
        Assert.Equal("{cache.connectionString}", Env("cart", "ConnectionStrings__cache"));
        Assert.Equal("{messaging.connectionString}", Env("ordering", "ConnectionStrings__messaging"));
        Assert.Equal("{identitydb.connectionString}", Env("web", "ConnectionStrings__identitydb"));
        Assert.Equal("{catalog.bindings.http.url}", Env("web", "services__catalog__http__0"));
        Assert.Equal("{recommendationsdb.connectionString}", Env("recommendations", "ConnectionStrings__recommendationsdb"));
        Assert.Equal("{messaging.connectionString}", Env("recommendations", "ConnectionStrings__messaging"));
        Assert.Equal("{catalog.bindings.http.url}", Env("recommendations", "services__catalog__http__0"));
        Assert.Equal("{recommendations.bindings.http.url}", Env("web", "services__recommendations__http__0"));
        Assert.Equal("{auth-signing-key.value}", Env("web", "Auth__SigningKey"));

        string? Env(string resource, string name) => resources.GetProperty(resource).GetProperty("env").GetProperty(name).GetString();
    }

    [Fact]
    public async Task Every_container_app_has_a_scale_setting_the_storefront_and_catalog_widest_and_servers_exactly_one()
    {
        var manifest = await PublishManifestAsync();
        using var scaleFile = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Repo, "Commerce.AppHost", "infra", "scale.json")));
        var scale = scaleFile.RootElement.EnumerateObject().Where(p => !p.Name.StartsWith('$'))
            .ToDictionary(p => p.Name, p => p.Value);

        // azd makes one container app of every project and container of the manifest.
        var apps = manifest.GetProperty("resources").EnumerateObject()
            .Where(r => r.Value.GetProperty("type").GetString() is { } type && (type.StartsWith("project.", StringComparison.Ordinal) || type.StartsWith("container.", StringComparison.Ordinal)))
            .Select(r => r.Name).ToList();
        Assert.NotEmpty(apps);
        foreach (var app in apps)
        {
            Assert.True(scale.ContainsKey(app), $"infra/scale.json has no entry for the container app '{app}'");
        }

        int Max(string app) => scale[app].GetProperty("maxReplicas").GetInt32();
        int Min(string app) => scale[app].GetProperty("minReplicas").GetInt32();
        foreach (var server in new[] { "postgres", "cache", "messaging", "search" })
        {
            Assert.Equal((1, 1), (Min(server), Max(server)));
            Assert.False(scale[server].TryGetProperty("httpConcurrentRequests", out _), $"{server} must not scale by load");
        }

        foreach (var service in Services)
        {
            Assert.True(Min(service) >= 2, $"{service}: at least two replicas, so one can fail or be replaced");
            Assert.True(scale[service].GetProperty("httpConcurrentRequests").GetInt32() > 0);
            Assert.True(Max(service) >= Min(service));
        }

        var widest = Services.Max(Max);
        Assert.Equal(widest, Max("web"));
        Assert.Equal(widest, Max("catalog"));
        Assert.True(Max("cart") < widest && Max("ordering") < widest);
        // Recommendations is a nicety: it never outgrows the services a sale needs.
        Assert.True(Max("recommendations") <= Max("ordering") && Max("recommendations") <= Max("cart"));

        // azure.yaml runs the hook after every deploy; the hook turns scale.json into these commands.
        var azureYaml = await File.ReadAllTextAsync(Path.Combine(Repo, "azure.yaml"));
        Assert.Contains("postdeploy:", azureYaml);
        Assert.Contains("scripts/azd-apply-scale.sh", azureYaml);
        var commands = await RunAsync("bash", [Path.Combine(Repo, "scripts", "azd-apply-scale.sh")],
            new() { ["AZ"] = "echo", ["AZURE_RESOURCE_GROUP"] = "rg-test" });
        Assert.Contains("containerapp update --name web --resource-group rg-test --min-replicas 2 --max-replicas 20 --scale-rule-name http-concurrency --scale-rule-type http --scale-rule-http-concurrency 50", commands);
        Assert.Contains("containerapp update --name postgres --resource-group rg-test --min-replicas 1 --max-replicas 1 --output none", commands);
    }

    [Fact]
    public async Task Without_recommendations_the_shop_has_no_such_service_and_the_storefront_no_address_for_it()
    {
        var manifest = await PublishManifestAsync(new() { ["COMMERCE_RECOMMENDATIONS"] = "false" });
        var resources = manifest.GetProperty("resources");

        Assert.False(resources.TryGetProperty("recommendations", out _), "the recommendations service is still in the graph");
        var webEnv = resources.GetProperty("web").GetProperty("env");
        Assert.False(webEnv.TryGetProperty("services__recommendations__http__0", out _), "web still gets the recommendations address");
        Assert.Equal("{ordering.bindings.http.url}", webEnv.GetProperty("services__ordering__http__0").GetString());
    }

    private static async Task<JsonElement> PublishManifestAsync(Dictionary<string, string>? env = null)
    {
        var output = Directory.CreateTempSubdirectory("commerce-manifest-");
        try
        {
            var path = Path.Combine(output.FullName, "manifest.json");
            await RunAsync("dotnet", [AppHostAssembly(), "--publisher", "manifest", "--output-path", path],
                new(env ?? []) { ["DOTNET_ENVIRONMENT"] = "Production" });
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(path));
            return document.RootElement.Clone();
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    private static string AppHostAssembly()
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var dll = Path.Combine(Repo, "Commerce.AppHost", "bin", configuration, "net10.0", "Commerce.AppHost.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build Commerce.sln -c {configuration} first.");
        return dll;
    }

    private static async Task<string> RunAsync(string file, string[] args, Dictionary<string, string> env)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in env)
        {
            psi.Environment[key] = value;
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
        return await stdout;
    }

    private static string FindRepo()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Commerce.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Commerce.sln not found above the test assembly.");
    }
}
