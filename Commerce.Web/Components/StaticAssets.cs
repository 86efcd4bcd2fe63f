namespace Commerce.Web.Components;

/// <summary>URLs of the embedded stylesheet and script, versioned by build so caches refresh on deploy.</summary>
public static class StaticAssets
{
    private static readonly string Version = typeof(StaticAssets).Assembly.ManifestModule.ModuleVersionId.ToString("N")[..12];

    public static string Url(string name) => $"/assets/{name}?v={Version}";
}
