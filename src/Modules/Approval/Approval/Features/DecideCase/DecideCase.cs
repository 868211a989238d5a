using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Text;
using JasperFx;
using Marten;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.BuildingBlocks.Security;
using VssId.Modules.Reference.Contracts;

namespace VssId.Modules.Approval.Features.DecideCase;

public sealed record DecisionRequest
{
    /// <summary>A code of <c>GET /api/v1/reference/rejection-reasons</c>: one that allows resubmission for a request for information, one that does not (or "other") for a rejection.</summary>
    [Required, MaxLength(64)] public string? ReasonCode { get; init; }
    [MaxLength(500)] public string? Note { get; init; }
}

public static class Decisions
{
    public const string Approve = "approve";
    public const string Reject = "reject";
    public const string RequestInformation = "request-information";
}

public sealed record DecideCase(Guid Id, string Decision, DecisionRequest? Request, ClaimsPrincipal User) : ICommand;

/// <summary>
/// The claiming officer's decision. Approval needs the required photos; a rejection or a request for
/// information needs a reason of the catalog that fits it. The published event makes Registration update
/// the applicant's view and Credentials issue the account.
/// </summary>
public sealed class DecideCaseHandler(IDocumentSession session, IRejectionReasonCatalog reasons, TimeProvider time) : ICommandHandler<DecideCase>
{
    public async ValueTask<Mediator.Unit> Handle(DecideCase command, CancellationToken cancellationToken)
    {
        string? reasonCode = null, note = null;
        if (command.Decision != Decisions.Approve)
        {
            var errors = new FieldErrors();
            var reason = reasons.Find(command.Request?.ReasonCode ?? "");
            var fits = reason is not null && (command.Decision == Decisions.RequestInformation ? reason.AllowsResubmission : !reason.AllowsResubmission || reason.Code == "other");
            reasonCode = errors.Require("reasonCode", fits ? reason!.Code : null, ApprovalProblems.ReasonUnknown);
            note = command.Request?.Note?.Trim().Normalize(NormalizationForm.FormC);
            if (note is { Length: > 500 })
            {
                errors.Add("note", ApprovalProblems.NoteTooLong);
            }
            errors.ThrowIfAny();
        }
        var stream = await CaseAccess.LoadForWriting(session, command.Id, command.User, cancellationToken);
        var @case = stream.Aggregate!;
        var officer = CaseAccess.Officer(command.User);
        var now = time.GetUtcNow();
        stream.AppendOne(command.Decision switch
        {
            Decisions.Approve => @case.Approve(officer, now),
            Decisions.Reject => @case.Reject(officer, reasonCode!, note is { Length: > 0 } ? note : null, now),
            _ => @case.RequestInformation(officer, reasonCode!, note is { Length: > 0 } ? note : null, now),
        });
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (ConcurrencyException)
        {
            throw new ProblemException(CommonProblems.Conflict);
        }
        return Mediator.Unit.Value;
    }
}

internal sealed class DecideCaseEndpoints : IEndpoint
{
    public void Map(IEndpointRouteBuilder group)
    {
        group.MapPost("/cases/{id:guid}/approve", async (Guid id, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
            {
                await sender.Send(new DecideCase(id, Decisions.Approve, null, user), ct);
                return TypedResults.NoContent();
            })
            .WithName("ApproveCase")
            .RequireAccess(AccessPolicies.Officer)
            .WithSummary("Duyệt hồ sơ · Approve")
            .WithDescription("Chỉ cán bộ đang giữ hồ sơ. Tài khoản được cấp và mật khẩu lần đầu gửi bằng SMS.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblems(CommonProblems.NotFound, ApprovalProblems.NotClaimedByYou, ApprovalProblems.DocumentsMissing, ApprovalProblems.CaseDecided, CommonProblems.Conflict);

        foreach (var (decision, name, summary) in new[]
        {
            (Decisions.Reject, "RejectCase", "Từ chối · Reject"),
            (Decisions.RequestInformation, "RequestInformation", "Yêu cầu bổ sung · Request information"),
        })
        {
            group.MapPost($"/cases/{{id:guid}}/{decision}", async (Guid id, DecisionRequest request, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
                {
                    await sender.Send(new DecideCase(id, decision, request, user), ct);
                    return TypedResults.NoContent();
                })
                .WithName(name)
                .RequireAccess(AccessPolicies.Officer)
                .WithSummary(summary)
                .WithDescription(decision == Decisions.Reject
                    ? "Lý do từ danh mục (không cho phép nộp lại, hoặc \"other\") và ghi chú. Người đăng ký nhận SMS."
                    : "Lý do từ danh mục (cho phép nộp lại) và ghi chú. Hồ sơ mở lại để người đăng ký sửa và gửi lại.")
                .WithRequestExample(new DecisionRequest
                {
                    ReasonCode = decision == Decisions.Reject ? "bhxh_code.not_owner" : "identity.document_unreadable",
                    Note = "Ảnh mặt sau CCCD bị lóa, vui lòng chụp lại.",
                })
                .Produces(StatusCodes.Status204NoContent)
                .ProducesProblems(CommonProblems.Validation, CommonProblems.NotFound, ApprovalProblems.NotClaimedByYou, ApprovalProblems.CaseDecided,
                    CommonProblems.Conflict);
        }
    }
}
