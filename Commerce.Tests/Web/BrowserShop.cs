using Microsoft.Playwright;

namespace Commerce.Tests.Web;

/// <summary>
/// Debian's Chromium driven by Playwright. The Playwright driver (node and its package) ships
/// inside the Microsoft.Playwright NuGet package and is copied next to the test assembly, so
/// nothing is downloaded; the browser is the system's <c>/usr/bin/chromium</c>.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: install Debian's chromium package (scripts/prerequisites.sh does).");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A fresh visitor of <paramref name="storefront"/>: own cookies, desktop viewport.</summary>
    public async Task<IPage> NewVisitorAsync(Uri storefront)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = storefront.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = 1366, Height = 900 },
            Locale = "en-US",
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>Desktop and phone screenshots of each step, under the test results folder.</summary>
public sealed class Screenshots(string testName)
{
    private int _step;

    /// <summary><c>$COMMERCE_SCREENSHOTS</c>, else <c>TestResults/screenshots</c> at the repository root.</summary>
    public static string Root
    {
        get
        {
            if (Environment.GetEnvironmentVariable("COMMERCE_SCREENSHOTS") is { Length: > 0 } configured)
            {
                return configured;
            }

            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Commerce.sln")))
            {
                dir = dir.Parent;
            }

            return Path.Combine(dir?.FullName ?? AppContext.BaseDirectory, "TestResults", "screenshots");
        }
    }

    public string Folder => Path.Combine(Root, testName);

    public async Task TakeAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Folder);
        var prefix = Path.Combine(Folder, $"{++_step:00}-{name}");
        var desktop = page.ViewportSize ?? new PageViewportSizeResult { Width = 1366, Height = 900 };
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = prefix + "-desktop.png", FullPage = true });
        await page.SetViewportSizeAsync(390, 844);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = prefix + "-phone.png", FullPage = true });
        await page.SetViewportSizeAsync(desktop.Width, desktop.Height);
        Assert.True(new FileInfo(prefix + "-desktop.png").Length > 1000);
        Assert.True(new FileInfo(prefix + "-phone.png").Length > 1000);
    }

    /// <summary>The page at the size it is shown now, for journeys driven at one size.</summary>
    public async Task TakeAsShownAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, $"{++_step:00}-{name}.png");
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 1000);
    }
}
