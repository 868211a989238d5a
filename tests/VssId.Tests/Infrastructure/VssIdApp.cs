using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace VssId.Tests.Infrastructure;

/// <summary>How a test wants the Host started.</summary>
public sealed record VssIdAppOptions
{
    public string Roles { get; init; } = "api,worker";
    public string Environment { get; init; } = "Development";
    public Action<IServiceCollection>? Services { get; init; }
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();
}

/// <summary>The real Host (Program) over its real PostgreSQL database, in memory over HTTP.</summary>
public sealed class VssIdApp(string connectionString, VssIdAppOptions? options = null) : WebApplicationFactory<Program>
{
    private readonly VssIdAppOptions _options = options ?? new VssIdAppOptions();
    private IHost? _host;

    public string ConnectionString { get; } = connectionString;

    /// <summary>
    /// A client whose every answer is checked against the served OpenAPI document
    /// (<see cref="ContractCheckingHandler"/>); a Host without the API role serves no document.
    /// </summary>
    public new HttpClient CreateClient() =>
        CreateDefaultClient(new Uri("http://localhost"), new ContractCheckingHandler(() => Contract));

    /// <summary>A client that checks nothing: for a test that sends what no client of the contract would.</summary>
    public HttpClient CreateUncheckedClient() => base.CreateClient();

    private Task<OpenApiContract?> Contract => _options.Roles.Contains("api", StringComparison.Ordinal)
        ? OpenApiContract.Of(_options.Environment, CreateUncheckedClient).ContinueWith(t => (OpenApiContract?)t.Result, TaskScheduler.Default)
        : Task.FromResult<OpenApiContract?>(null);

    protected override IHost CreateHost(IHostBuilder builder) => _host = base.CreateHost(builder);

    /// <summary>
    /// Stops the host the way production does, then lets the factory dispose it. Program's own <c>app.Run()</c> calls
    /// <c>Host.StopAsync</c> when the application stops, and the factory's dispose calls it too: unguarded, every
    /// hosted service was stopped twice at once (dotnet/aspnetcore#40271), and Marten's projection coordinator, which
    /// is not safe for that, failed a CI run with an ObjectDisposedException. Waiting for <c>ApplicationStopped</c>
    /// first makes the factory's stop a second, sequential one.
    /// </summary>
    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _host, null) is { } host)
        {
            var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
            var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (lifetime.ApplicationStopped.Register(() => stopped.TrySetResult()))
            {
                lifetime.StopApplication();
                await stopped.Task.WaitAsync(TimeSpan.FromSeconds(60));
            }
        }
        await base.DisposeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_options.Environment);
        // UseSetting (not ConfigureAppConfiguration) so Program sees them before Build().
        builder.UseSetting("ConnectionStrings:Postgres", ConnectionString);
        builder.UseSetting("Host:Roles", _options.Roles);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // Rate limits are tested where they are the subject; elsewhere one test client is one address.
        builder.UseSetting("RateLimiting:Enabled", "false");
        builder.UseSetting("FileStore:Root", Path.Combine(Path.GetTempPath(), "vssid-test-files", Guid.NewGuid().ToString("N")));
        foreach (var (key, value) in _options.Settings)
        {
            builder.UseSetting(key, value);
        }
        if (SuiteLog.Enabled)
        {
            // What production logs (appsettings.json: Information, the frameworks at Warning), whatever the console shows here.
            builder.ConfigureLogging(logging => logging.AddProvider(new SuiteLog())
                .AddFilter<SuiteLog>(null, Microsoft.Extensions.Logging.LogLevel.Information)
                .AddFilter<SuiteLog>("Microsoft.AspNetCore", Microsoft.Extensions.Logging.LogLevel.Warning)
                .AddFilter<SuiteLog>("Marten", Microsoft.Extensions.Logging.LogLevel.Warning)
                .AddFilter<SuiteLog>("JasperFx", Microsoft.Extensions.Logging.LogLevel.Warning)
                .AddFilter<SuiteLog>("Weasel", Microsoft.Extensions.Logging.LogLevel.Warning)
                .AddFilter<SuiteLog>("Npgsql", Microsoft.Extensions.Logging.LogLevel.Warning)
                .AddFilter<SuiteLog>("OpenIddict", Microsoft.Extensions.Logging.LogLevel.Warning));
        }
        if (_options.Services is { } configure)
        {
            builder.ConfigureTestServices(configure);
        }
    }
}

/// <summary>A database of its own and a Host over it, shared by the tests of one class.</summary>
public class VssIdFixture : IAsyncLifetime
{
    private VssIdApp? _app;

    public VssIdApp App => _app ?? throw new InvalidOperationException("Fixture not initialised.");

    public string ConnectionString { get; private set; } = "";

    protected virtual VssIdAppOptions Options => new();

    public async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.CreateDatabaseAsync();
        _app = new VssIdApp(ConnectionString, Options);
        _ = _app.Server; // start now, not in the first test
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
