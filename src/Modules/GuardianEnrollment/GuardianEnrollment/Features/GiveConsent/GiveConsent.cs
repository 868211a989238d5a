using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Marten;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.BuildingBlocks.Security;
using VssId.Modules.GuardianEnrollment.Domain;

namespace VssId.Modules.GuardianEnrollment.Features.GiveConsent;

public sealed record ConsentResponse([property: AllowedValues(EnrollmentStatus.Submitted)] string Status, string ApplicationNumber);

public sealed record GiveConsent(Guid Id, ClaimsPrincipal User) : ICommand<ConsentResponse>;

/// <summary>
/// The guardian, logged in, agrees to the enrolment a school started for their child (the school's row named their
/// mã số BHXH): it is submitted at once, its Mẫu 01 rendered and its case opened, as after "Ghi nhận".
/// </summary>
internal sealed class GiveConsentHandler(IDocumentSession session, EnrollmentConsent consent) : ICommandHandler<GiveConsent, ConsentResponse>
{
    public async ValueTask<ConsentResponse> Handle(GiveConsent command, CancellationToken cancellationToken)
    {
        var stream = await EnrollmentAccess.LoadForWriting(session, command.Id, command.User, cancellationToken);
        return new ConsentResponse(EnrollmentStatus.Submitted, await consent.Give(stream, ConsentChannels.Account, cancellationToken));
    }
}

internal sealed class GiveConsentEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapPost("v1/me/children/{id:guid}/consent", async (Guid id, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
                TypedResults.Accepted($"/api/v1/me/children/{id}", await sender.Send(new GiveConsent(id, user), ct)))
            .WithName("GiveEnrollmentConsent")
            .RequireAccess(AccessPolicies.Citizen)
            .WithSummary("Đồng ý hồ sơ nhà trường đăng ký cho trẻ · Consent to a school's enrolment")
            .WithDescription("Người giám hộ (mã số BHXH trùng với dòng danh sách của nhà trường) đồng ý: hồ sơ được ghi nhận ngay (Submitted), "
                + "tờ khai Mẫu 01 được tạo và hồ sơ vào hàng chờ của cơ quan BHXH. Có thể đính kèm ảnh giấy khai sinh trước khi đồng ý. "
                + "409 `enrollment.not_awaiting_consent` (đã đồng ý, hết hạn hoặc không phải hồ sơ của nhà trường), `enrollment.consent_expired` (quá 30 ngày).")
            .Produces<ConsentResponse>(StatusCodes.Status202Accepted)
            .ProducesProblems(CommonProblems.NotFound, GuardianEnrollmentProblems.NotAwaitingConsent, GuardianEnrollmentProblems.ConsentExpired,
                GuardianEnrollmentProblems.ChildEnrolled, GuardianEnrollmentProblems.ChildHasAccount, GuardianEnrollmentProblems.ApplicationOpen,
                GuardianEnrollmentProblems.OfficeClosed, CommonProblems.Conflict)
            .WithResponseExample(StatusCodes.Status202Accepted, new ConsentResponse(EnrollmentStatus.Submitted, "00131-20261202-TE000043"));
}
