using Mediator;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using Npgsql;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Files;
using VssId.BuildingBlocks.Jobs;
using VssId.BuildingBlocks.Mediator;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.Security;
using VssId.Host.Database;
using VssId.Host.OpenApi;
using VssId.Host.Platform;
using VssId.Modules.Credentials.Security;

var builder = WebApplication.CreateBuilder(args);
var roles = HostRoles.From(builder.Configuration);

builder.Logging.ClearProviders();
if (builder.Environment.IsDevelopment())
{
    builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
}
else
{
    builder.Logging.AddJsonConsole(o => o.UseUtcTimestamp = true);
}

var services = builder.Services;
services.Configure<EmbeddedDatabaseOptions>(builder.Configuration.GetSection("EmbeddedDatabase"));
services.AddSingleton<DatabaseConnection>();
// One data source for the whole process: Marten, Hangfire and the health checks share its pool, which
// also lets a Marten save and a Hangfire enqueue commit in one TransactionScope without 2PC.
services.AddSingleton(sp =>
{
    var connectionString = sp.GetRequiredService<DatabaseConnection>().ConnectionString;
    return new NpgsqlDataSourceBuilder(connectionString)
    {
        // Auto-prepared statements skip PostgreSQL's planning for Marten's and Hangfire's repeated SQL; that
        // only pays if connections are not reset (DISCARD ALL drops prepared statements) when returned to the pool.
        ConnectionStringBuilder =
        {
            ApplicationName = $"vssid-{roles}", Enlist = true, MaxAutoPrepare = 64, AutoPrepareMinUsages = 2, NoResetOnClose = true,
            MaxPoolSize = ConnectionPool.MaxSize(connectionString, builder.Configuration),
        },
    }.Build();
});

services.AddSingleton(TimeProvider.System);
services.AddSingleton<IFileStore, FileSystemFileStore>();
// The modules add their own policies; the platform's public per-address policy is here. A refusal is a
// 429 problem with Retry-After.
var rateLimitsOn = builder.Configuration.GetValue("RateLimiting:Enabled", true);
var publicPerMinute = builder.Configuration.GetValue("RateLimiting:PublicPerMinute", 60);
services.AddRateLimiter(o =>
{
    o.AddPolicy(VssId.BuildingBlocks.Http.RateLimits.PublicPerAddress, http => VssId.BuildingBlocks.Http.RateLimits.PerAddress(http, rateLimitsOn, publicPerMinute));
    o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
    o.OnRejected = async (context, ct) =>
    {
        var retryAfter = context.Lease.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(60);
        await ProblemWriter.WriteAsync(context.HttpContext, CommonProblems.TooManyRequests, retryAfter: retryAfter);
    };
});
services.AddVssIdForwardedHeaders(builder.Configuration);
services.AddSingleton<ServerKeys>();
services.AddVssIdDataProtection();
// Per-person data keys (photos, forms, the personal fields of events): erasure deletes a person's key (ADR 16).
services.AddMemoryCache();
services.AddSingleton<VssId.BuildingBlocks.Privacy.PersonKeyWrapping>();
services.AddSingleton<VssId.BuildingBlocks.Privacy.PersonKeys>();
services.AddSingleton(sp => new VssId.BuildingBlocks.Privacy.PersonalDataSealing(sp.GetRequiredService<VssId.BuildingBlocks.Privacy.PersonKeys>));
// Every process forgets a shredded key when the erasure commits, wherever it ran; one connection listens for all channels.
services.AddSingleton<VssId.BuildingBlocks.Marten.IPostgresChannel, VssId.BuildingBlocks.Privacy.PersonKeyShreddings>();
services.AddHostedService<VssId.BuildingBlocks.Marten.PostgresListener>();
services.AddSingleton<VssId.BuildingBlocks.Privacy.PhoneDigests>();
// Events and documents stored in clear before sealing existed are sealed in the background (ADR 16).
services.AddRecurringJob<VssId.BuildingBlocks.Privacy.SealStoredDataJob>("privacy.seal-stored-data", job => job.Run(CancellationToken.None), Hangfire.Cron.Hourly());
// Files a module's event discarded (replaced or closed drafts' photos) are deleted by one reaction for all modules.
services.AddScoped<VssId.BuildingBlocks.IntegrationEvents.IIntegrationEventHandler<VssId.BuildingBlocks.Files.FilesDiscarded>,
    VssId.BuildingBlocks.Files.DeleteDiscardedFiles>();
services.AddVssIdMarten(builder.Configuration, roles);
services.AddVssIdHangfire(builder.Configuration, roles);
services.AddHealthChecks().AddNpgSql(tags: ["ready"]);

services.AddMediator((MediatorOptions options) =>
{
    options.ServiceLifetime = ServiceLifetime.Scoped;
    options.Assemblies =
    [
        typeof(VssId.Modules.Reference.ReferenceModule),
        typeof(VssId.Modules.Registration.RegistrationModule),
        typeof(VssId.Modules.GuardianEnrollment.GuardianEnrollmentModule),
        typeof(VssId.Modules.Approval.ApprovalModule),
        typeof(VssId.Modules.Credentials.CredentialsModule),
        typeof(VssId.Modules.Notifications.NotificationsModule),
        // Notifications every module may handle (PersonErased).
        typeof(VssId.BuildingBlocks.Privacy.PersonErased),
    ];
    options.PipelineBehaviors = [typeof(LoggingBehavior<,>)];
});
foreach (var module in VssIdModules.All)
{
    module.AddServices(services, builder.Configuration);
}

services.AddProblemDetails();
services.AddExceptionHandler<ProblemExceptionHandler>();
// Malformed JSON and wrong types reach the exception handler, which answers a 400 problem.
services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
services.Configure<JsonOptions>(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
if (roles.Api)
{
    services.AddVssIdSwagger(builder.Configuration);
}

var app = builder.Build();
// Fails the start, not the first encryption, when the key-encryption key is missing or malformed.
_ = app.Services.GetRequiredService<VssId.Host.Platform.KeyEncryptionKeys>();

if (args is ["create-admin", var adminName, ..])
{
    return await AdminCommand.CreateAdmin(app, adminName);
}

// First: everything after it (rate limits, idempotency scopes, logs) sees the client's address.
app.UseVssIdForwardedHeaders();
app.UseExceptionHandler();
// Answers without a body (unknown route, wrong method, a refused token) become problems too; placed before
// authentication so the 401 and 403 of the authorization middleware get one.
app.UseStatusCodePages(StatusCodeProblems.WriteAsync);
app.UseRateLimiter();
// OpenIddict answers its own endpoints (revocation, discovery, JWKS) here and hands the token request on;
// bearer tokens are checked only where an endpoint names a policy (the authorization middleware authenticates it).
app.UseOpenIddictEndpoints();
app.UseAuthorization();
// After the token is checked (a stranger learns nothing, not even a size) and before anything reads a body:
// 64 KB unless the route says more (uploads, CSV imports, rosters).
app.UseMiddleware<VssId.BuildingBlocks.Http.BodyLimitMiddleware>();
app.UseMiddleware<VssId.BuildingBlocks.Idempotency.IdempotencyMiddleware>();

app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions
{
    Predicate = check => check.Tags.Contains("ready"),
    ResponseWriter = HealthResponse.WriteAsync,
});

if (roles.Api)
{
    app.MapVssIdSwagger();
    app.MapVssIdHangfireDashboard();
    app.MapModuleEndpoints(VssIdModules.All);
}

app.Logger.LogInformation("VssId Host starting as {Roles} in {Environment}", roles, app.Environment.EnvironmentName);
app.Run();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
