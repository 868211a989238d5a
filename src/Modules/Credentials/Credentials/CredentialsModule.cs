using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VssId.BuildingBlocks.IntegrationEvents;
using VssId.BuildingBlocks.Marten;
using VssId.BuildingBlocks.Modules;
using VssId.Modules.Credentials.Domain;
using VssId.Modules.Credentials.Integration;

namespace VssId.Modules.Credentials;

/// <summary>
/// Accounts, passwords, login, tokens, SmartOTP, recovery, lock-out, staff users and API clients. So far:
/// opening an account (and publishing it); the rest comes with its issue.
/// </summary>
public sealed class CredentialsModule : IModule
{
    public string Name => "credentials";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModulePartsOf<CredentialsModule>();
        services.AddIntegrationEventRelay<CredentialsRelay>();
    }

    internal const string Tag = "Tài khoản · Credentials";

    // No endpoints yet: the group is where its issue's features will map (their relative paths under /api/v1).
    public RouteGroupBuilder MapGroup(IEndpointRouteBuilder app) => app.MapGroup("/api/v1").WithTags(Tag);

    public void ConfigureMarten(StoreOptions options)
    {
        options.ForModule(Name).Event<AccountOpened>("account_opened");
        options.Projections.LiveStreamAggregation<Account>();
    }
}
