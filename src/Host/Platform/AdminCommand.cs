using Marten;
using Mediator;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Security;
using VssId.Modules.Credentials.Features.ManageStaff;

namespace VssId.Host.Platform;

/// <summary>
/// <c>VssId.Host create-admin &lt;userName&gt;</c>: the first administrator outside Development. Prints a
/// one-time password (valid 7 days, changed at first login) on standard output and nowhere else.
/// </summary>
internal static class AdminCommand
{
    public static async Task<int> CreateAdmin(WebApplication app, string userName)
    {
        await app.Services.GetRequiredService<IDocumentStore>().Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await using var scope = app.Services.CreateAsyncScope();
        try
        {
            var created = await scope.ServiceProvider.GetRequiredService<ISender>().Send(new CreateStaffUser(
                new CreateStaffUserRequest { UserName = userName, FullName = "Quản trị viên", Role = Roles.Admin }, "create-admin"));
            Console.WriteLine($"Administrator {created.UserName} created. One-time password (change it at first login, valid 7 days): {created.InitialPassword}");
            return 0;
        }
        catch (ProblemException e)
        {
            await Console.Error.WriteLineAsync($"Not created: {e.Type.Title.En} ({e.Type.Code})");
            return 1;
        }
    }
}
