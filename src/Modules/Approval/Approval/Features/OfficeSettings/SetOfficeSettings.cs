using System.ComponentModel.DataAnnotations;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using VssId.BuildingBlocks.Audit;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.BuildingBlocks.Security;
using VssId.BuildingBlocks.Time;
using VssId.Modules.Reference.Contracts;

namespace VssId.Modules.Approval.Features.OfficeSettings;

public sealed record OfficeSettingsRequest
{
    /// <summary>Let the system approve a case whose registry check matches on every field (others wait for an officer).</summary>
    [Required] public bool? AutoApproval { get; init; }
}

public sealed record SetOfficeSettings(string OfficeCode, OfficeSettingsRequest Request, string By) : ICommand;

/// <summary>
/// An administrator switches an office's auto-approval on or off; it applies to the submissions that arrive from then on.
/// The switch lets the system decide without an officer, so who flipped it, and when, goes to the audit trail.
/// </summary>
public sealed class SetOfficeSettingsHandler(NpgsqlDataSource database, IOfficeCatalog offices, IAdministrativeAudit audit, TimeProvider time)
    : ICommandHandler<SetOfficeSettings>
{
    public static readonly FieldError AutoApprovalRequired = new("office.auto_approval_required", new("Bắt buộc: true hoặc false.", "Required: true or false."));

    public async ValueTask<Mediator.Unit> Handle(SetOfficeSettings command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (offices.FindActive(command.OfficeCode, VietnamTime.DateOf(now)) is null)
        {
            throw new ProblemException(CommonProblems.NotFound);
        }
        var errors = new FieldErrors();
        if (command.Request.AutoApproval is null)
        {
            errors.Add("autoApproval", AutoApprovalRequired);
        }
        errors.ThrowIfAny();
        await ReadModels.OfficeSettings.Set(database, command.OfficeCode, command.Request.AutoApproval!.Value, command.By, now, cancellationToken);
        await audit.Record(command.By, AdministrativeActions.OfficeSettingsChanged, command.OfficeCode,
            $"autoApproval={(command.Request.AutoApproval.Value ? "true" : "false")}", cancellationToken);
        return Mediator.Unit.Value;
    }
}

internal sealed class SetOfficeSettingsEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapPut("/admin/offices/{officeCode}/settings", async (string officeCode, OfficeSettingsRequest request, HttpContext http, ISender sender, CancellationToken ct) =>
            {
                await sender.Send(new SetOfficeSettings(officeCode, request, http.Actor()), ct);
                return TypedResults.NoContent();
            })
            .WithName("SetOfficeSettings")
            .WithTags("Quản trị · Administration")
            .RequireAccess(AccessPolicies.Admin)
            .WithSummary("Cài đặt duyệt của cơ quan · An office's review settings")
            .WithDescription("`autoApproval`: hệ thống tự duyệt hồ sơ khớp hoàn toàn với dữ liệu người tham gia BHXH (ghi \"system (auto-approval)\" vào lịch sử).")
            .WithParameter("officeCode", "Mã cơ quan BHXH · Office code", "00131")
            .WithRequestExample(new OfficeSettingsRequest { AutoApproval = true })
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblems(CommonProblems.NotFound, CommonProblems.Validation);
}
