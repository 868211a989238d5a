using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Security;
using VssId.Modules.Credentials.Features.ManageStaff;

namespace VssId.Modules.Credentials.Security;

/// <summary>
/// In Development only, the first start creates the administrator <c>admin</c> with the documented password
/// <see cref="Password"/> (no change required), so Swagger can be explored at once. Never outside
/// Development: there, <c>VssId.Host create-admin &lt;userName&gt;</c> prints a one-time password.
/// </summary>
internal sealed class DevelopmentAdmin(IHostEnvironment environment, IServiceScopeFactory scopes, ILogger<DevelopmentAdmin> logger) : IHostedService
{
    public const string UserName = "admin";
    public const string Password = "dev-admin-VssId-2026";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment())
        {
            return;
        }
        await using var scope = scopes.CreateAsyncScope();
        try
        {
            await scope.ServiceProvider.GetRequiredService<ISender>().Send(new CreateStaffUser(
                new CreateStaffUserRequest { UserName = UserName, FullName = "Quản trị viên (môi trường phát triển)", Role = Roles.Admin }, "system", Password),
                cancellationToken);
            logger.LogInformation("Development: created the administrator {UserName} (password in the README)", UserName);
        }
        catch (ProblemException e) when (e.Type == CredentialsProblems.UserNameTaken)
        {
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
