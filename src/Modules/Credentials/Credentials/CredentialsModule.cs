using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VssId.BuildingBlocks.Modules;

namespace VssId.Modules.Credentials;

/// <summary>Accounts, passwords, login, tokens, SmartOTP, recovery, lock-out, staff users and API clients. Its features come with their issues.</summary>
public sealed class CredentialsModule : IModule
{
    public string Name => "credentials";

    public void AddServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddModulePartsOf<CredentialsModule>();

    public void ConfigureMarten(StoreOptions options)
    {
    }
}
