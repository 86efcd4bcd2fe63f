using System.Diagnostics;
using System.Globalization;
using Commerce.Catalog;
using Commerce.Catalog.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

// Loads a large generated catalogue into a throwaway database, starts the Catalog in-process on
// Kestrel exactly as Program does, and measures search and product reads over real HTTP.
// Usage: see docs/performance.md (scripts/catalog-benchmark.sh starts the servers for you).
var options = BenchmarkOptions.Parse(args);
Console.WriteLine($"Catalog benchmark: {options.Products:N0} products, {options.Iterations} timed requests per scenario");

var appArgs = new[]
{
    "--urls=http://127.0.0.1:0",
    "--environment=Production",
    "--Logging:LogLevel:Default=Warning",
    // EF logs the migration-history probe on an empty database as an error; it is expected there.
    "--Logging:LogLevel:Microsoft.EntityFrameworkCore=None",
    // No broker listens (see below): its reconnect attempts are expected and would bury the figures.
    "--Logging:LogLevel:MassTransit=None",
    $"--ConnectionStrings:catalogdb={options.Postgres}",
    $"--ConnectionStrings:cache={options.Redis}",
    $"--Catalog:CacheKeyPrefix=bench-{Guid.NewGuid():N}",
    $"--Auth:PublicKey={Commerce.ServiceAuth.RsaKeys.CreatePair().PublicKeyPem}",
    // Reads need no broker: with none listening, the bus retries in the background and the few
    // events of the load phase wait in the outbox, which is all this benchmark needs.
    $"--ConnectionStrings:messaging={options.Messaging}",
};
// Two replicas on the same database and Redis: one with the search-result cache off, to measure
// the search engine itself, and one as deployed.
await using var app = CatalogApp.Build([.. appArgs, "--Catalog:SearchCacheTtl=00:00:00"]);
await CatalogApp.InitializeAsync(app, CancellationToken.None);
await LoadAsync(options);
await app.StartAsync();
await using var cachedApp = CatalogApp.Build(appArgs);
await cachedApp.StartAsync();
using var http = new HttpClient { BaseAddress = AddressOf(app) };
using var cachedHttp = new HttpClient { BaseAddress = AddressOf(cachedApp) };

string[] searches =
[
    "running shoes", "runing shoes", "trail running", "headphones", "headphnes", "noise cancelling", "espresso machine",
    "rain jacket", "northpeak jacket", "cast iron skillet", "yoga mat", "merino", "gps watch", "laptop backpack",
    "waterproof hiking boots", "runn", "espr", "smartw", "coffee", "ocean blue", "bluetooth earbuds", "dutch oven",
];
string[] filtered =
[
    "q=shoes&brand=Stridewell&sort=price_asc", "q=jacket&minPrice=50&maxPrice=150", "q=coffee&category=Coffee%20Makers&page=3",
    "q=running&sort=newest", "q=watch&sort=price_desc&pageSize=50",
];
string[] listings =
[
    "", "category=Headphones", "brand=Northpeak&sort=price_asc", "minPrice=100&maxPrice=200&sort=name", "page=50",
];

var random = new Random(42);
var byPath = new List<(string Path, double Millis)>();
var results = new List<(string Name, double[] Millis)>
{
    ("search (q, 22 queries incl. typos and prefixes)", await MeasureAsync(i => $"api/catalog/products?q={Uri.EscapeDataString(searches[i % searches.Length])}")),
    ("search with filters/sort", await MeasureAsync(i => $"api/catalog/products?{filtered[i % filtered.Length]}")),
    ("suggest", await MeasureAsync(i => $"api/catalog/suggest?q={Uri.EscapeDataString(searches[i % searches.Length][..Math.Min(5, searches[i % searches.Length].Length)])}")),
    ("listing without q (facets over all)", await MeasureAsync(i => $"api/catalog/products?{listings[i % listings.Length]}")),
    ("search (q), search-result cache on", await MeasureAsync(i => $"api/catalog/products?q={Uri.EscapeDataString(searches[i % searches.Length])}", cachedHttp)),
    ("listing without q, search-result cache on", await MeasureAsync(i => $"api/catalog/products?{listings[i % listings.Length]}", cachedHttp)),
};

// Cached reads: warm a working set, then read it at random.
var hot = Enumerable.Range(0, 1000).Select(_ => random.Next(1, options.Products + 1)).Distinct().ToArray();
foreach (var id in hot)
{
    (await http.GetAsync($"api/catalog/products/{id}")).EnsureSuccessStatusCode();
}

results.Add(("product by id, cached", await MeasureAsync(_ => $"api/catalog/products/{hot[random.Next(hot.Length)]}")));
results.Add(("10 products by ids, cached (cart read)", await MeasureAsync(_ =>
    $"api/catalog/products?ids={string.Join(',', Enumerable.Range(0, 10).Select(_ => hot[random.Next(hot.Length)]))}")));
var cold = new Queue<int>(Enumerable.Range(1, options.Products).Except(hot).OrderBy(_ => random.Next()).Take(options.Iterations + options.Warmup));
results.Add(("product by id, cache miss (PostgreSQL)", await MeasureAsync(_ => $"api/catalog/products/{cold.Dequeue()}")));

Console.WriteLine();
Console.WriteLine($"Load average while measuring (other processes share these cores): {File.ReadAllText("/proc/loadavg").Trim()}; cores: {Environment.ProcessorCount}");
Console.WriteLine($"| scenario | n | p50 ms | p95 ms | p99 ms | max ms |");
Console.WriteLine($"| --- | ---: | ---: | ---: | ---: | ---: |");
foreach (var (name, millis) in results)
{
    Array.Sort(millis);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {millis.Length} | {Percentile(millis, 0.50):0.00} | {Percentile(millis, 0.95):0.00} | {Percentile(millis, 0.99):0.00} | {millis[^1]:0.00} |"));
}

if (options.ByQuery)
{
    // Which requests make the tail: the median of each distinct URL, slowest first.
    Console.WriteLine();
    Console.WriteLine("| request | n | p50 ms |");
    Console.WriteLine("| --- | ---: | ---: |");
    foreach (var group in byPath.GroupBy(r => r.Path).Select(g => (Path: g.Key, Millis: g.Select(r => r.Millis).Order().ToArray()))
                 .OrderByDescending(g => Percentile(g.Millis, 0.5)).Take(25))
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {group.Path} | {group.Millis.Length} | {Percentile(group.Millis, 0.5):0.00} |"));
    }
}

await cachedApp.StopAsync();
await app.StopAsync();
return;

static Uri AddressOf(WebApplication app) =>
    new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

async Task<double[]> MeasureAsync(Func<int, string> path, HttpClient? client = null)
{
    client ??= http;
    for (var i = 0; i < options.Warmup; i++)
    {
        using var warm = await client.GetAsync(path(i));
        warm.EnsureSuccessStatusCode();
    }

    var millis = new double[options.Iterations];
    for (var i = 0; i < options.Iterations; i++)
    {
        var url = path(i);
        var started = Stopwatch.GetTimestamp();
        using var response = await client.GetAsync(url);
        await response.Content.ReadAsByteArrayAsync();
        millis[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        response.EnsureSuccessStatusCode();
        byPath.Add((client == http ? url : $"{url} (result cache on)", millis[i]));
    }

    return millis;
}

static double Percentile(double[] sorted, double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];

async Task LoadAsync(BenchmarkOptions o)
{
    await using var dataSource = NpgsqlDataSource.Create(o.Postgres);
    await using var connection = await dataSource.OpenConnectionAsync();
    await using (var count = new NpgsqlCommand("SELECT count(*) FROM products", connection))
    {
        var existing = (int)(long)(await count.ExecuteScalarAsync())!;
        if (existing >= o.Products)
        {
            Console.WriteLine($"Database already holds {existing:N0} products; not loading.");
            return;
        }

        var loading = Stopwatch.StartNew();
        var now = DateTimeOffset.UtcNow;
        await using (var import = await connection.BeginBinaryImportAsync(
            "COPY products (sku, name, description, brand, category, price, currency, available_stock, reserved_stock, created_at, updated_at, version) FROM STDIN (FORMAT BINARY)"))
        {
            var n = existing;
            foreach (var (details, stock) in CatalogSeedData.Generate(o.Products - existing, start: existing))
            {
                await import.StartRowAsync();
                await import.WriteAsync(details.Sku, NpgsqlDbType.Text);
                await import.WriteAsync(details.Name, NpgsqlDbType.Text);
                await import.WriteAsync(details.Description, NpgsqlDbType.Text);
                await import.WriteAsync(details.Brand, NpgsqlDbType.Text);
                await import.WriteAsync(details.Category, NpgsqlDbType.Text);
                await import.WriteAsync(details.Price, NpgsqlDbType.Numeric);
                await import.WriteAsync(details.Currency, NpgsqlDbType.Text);
                await import.WriteAsync(stock, NpgsqlDbType.Integer);
                await import.WriteAsync(0, NpgsqlDbType.Integer);
                var created = now.AddSeconds(-(o.Products - n++));
                await import.WriteAsync(created, NpgsqlDbType.TimestampTz);
                await import.WriteAsync(created, NpgsqlDbType.TimestampTz);
                await import.WriteAsync(1, NpgsqlDbType.Integer);
            }

            await import.CompleteAsync();
        }

        // What autovacuum does shortly after a bulk load: statistics, and the visibility map that
        // lets the price index answer facet counts without visiting rows. A vacuum cannot mark
        // rows all-visible while another transaction (autovacuum's own analyze of the load) is
        // open, so repeat it until the map covers the search table.
        for (var attempt = 0; attempt < 30; attempt++)
        {
            foreach (var sql in (string[])["VACUUM ANALYZE products", "VACUUM ANALYZE product_search", "VACUUM ANALYZE search_terms"])
            {
                await using var vacuum = new NpgsqlCommand(sql, connection);
                await vacuum.ExecuteNonQueryAsync();
            }

            await using var visible = new NpgsqlCommand("SELECT relallvisible >= relpages FROM pg_class WHERE relname = 'product_search'", connection);
            if ((bool)(await visible.ExecuteScalarAsync())!)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        Console.WriteLine($"Loaded {o.Products - existing:N0} products in {loading.Elapsed.TotalSeconds:0.0} s");
    }
}

internal sealed record BenchmarkOptions(string Postgres, string Redis, string Messaging, int Products, int Iterations, int Warmup, bool ByQuery)
{
    public static BenchmarkOptions Parse(string[] args)
    {
        string? Arg(string name, string env)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : Environment.GetEnvironmentVariable(env);
        }

        var postgres = Arg("--postgres", "CATALOG_BENCH_POSTGRES")
            ?? throw new ArgumentException("Pass --postgres \"Host=…;Port=…;Username=…;Password=…;Database=catalog_bench\" (or CATALOG_BENCH_POSTGRES); scripts/catalog-benchmark.sh starts a throwaway server.");
        var redis = Arg("--redis", "CATALOG_BENCH_REDIS")
            ?? throw new ArgumentException("Pass --redis 127.0.0.1:PORT (or CATALOG_BENCH_REDIS).");
        var messaging = Arg("--messaging", "CATALOG_BENCH_MESSAGING") ?? "amqp://guest:guest@127.0.0.1:1/";
        return new BenchmarkOptions(postgres, redis, messaging,
            int.Parse(Arg("--products", "CATALOG_BENCH_PRODUCTS") ?? "100000", CultureInfo.InvariantCulture),
            int.Parse(Arg("--iterations", "CATALOG_BENCH_ITERATIONS") ?? "1000", CultureInfo.InvariantCulture),
            int.Parse(Arg("--warmup", "CATALOG_BENCH_WARMUP") ?? "50", CultureInfo.InvariantCulture),
            args.Contains("--by-query"));
    }
}
