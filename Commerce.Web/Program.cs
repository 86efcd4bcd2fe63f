namespace Commerce.Web;

public static class Program
{
    public static async Task Main(string[] args)
    {
        var app = WebApp.Build(args);
        await WebApp.InitializeAsync(app, CancellationToken.None);
        await app.RunAsync();
    }
}
