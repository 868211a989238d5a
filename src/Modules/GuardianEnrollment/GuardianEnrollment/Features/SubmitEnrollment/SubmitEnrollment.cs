using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using JasperFx;
using Marten;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Marten;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.BuildingBlocks.Security;
using VssId.BuildingBlocks.Time;
using VssId.Modules.Credentials.Contracts;
using VssId.Modules.GuardianEnrollment.Domain;
using VssId.Modules.GuardianEnrollment.ReadModels;
using VssId.Modules.Reference.Contracts;
using VssId.Modules.Registration.Contracts;

namespace VssId.Modules.GuardianEnrollment.Features.SubmitEnrollment;

public sealed record SubmitEnrollmentResponse([property: AllowedValues(EnrollmentStatus.Submitted)] string Status, string ApplicationNumber);

public sealed record SubmitEnrollment(Guid Id, ClaimsPrincipal User) : ICommand<SubmitEnrollmentResponse>;

/// <summary>
/// "Ghi nhận": needs the birth certificate and an office still open. Two guardians enrolling one child race
/// here, and the database decides: the index row turns "open" in the transaction of the Submitted event,
/// under a unique index on the child's code, so exactly one wins and the other gets 409. The Mẫu 01 and
/// the office's case follow from the event (at least once, idempotent), never from this request.
/// </summary>
internal sealed class SubmitEnrollmentHandler(IDocumentSession session, ICitizenDirectory citizens, IOpenApplications applications, IOfficeCatalog offices,
    NpgsqlDataSource database, TimeProvider time) : ICommandHandler<SubmitEnrollment, SubmitEnrollmentResponse>
{
    public async ValueTask<SubmitEnrollmentResponse> Handle(SubmitEnrollment command, CancellationToken cancellationToken)
    {
        var stream = await EnrollmentAccess.LoadForWriting(session, command.Id, command.User, cancellationToken);
        var enrollment = stream.Aggregate!;
        var now = time.GetUtcNow();
        var today = VietnamTime.DateOf(now);
        if (offices.FindActive(enrollment.OfficeCode, today) is null)
        {
            throw new ProblemException(GuardianEnrollmentProblems.OfficeClosed);
        }
        // What changed since the draft started: an account or an adult application for the child's code.
        if (await citizens.FindByBhxhCode(enrollment.Child.BhxhCode, cancellationToken) is not null)
        {
            throw new ProblemException(GuardianEnrollmentProblems.ChildHasAccount);
        }
        if (await applications.HasOpenSubmission(enrollment.Child.BhxhCode, cancellationToken))
        {
            throw new ProblemException(GuardianEnrollmentProblems.ApplicationOpen);
        }
        // Checked before a number is drawn, so a refusal spends none.
        var number = enrollment.Documents.ContainsKey(EnrollmentDocumentKinds.BirthCertificate) && enrollment.IsEditable
            ? $"{enrollment.OfficeCode}-{today:yyyyMMdd}-TE{await SqlSequences.Next(database, "enrollment.application_number_seq", cancellationToken):D6}"
            : "";
        stream.AppendOne(enrollment.Submit(number, now));
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (Exception ex) when (ex.FindPostgresError() is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: EnrollmentIndex.OpenSubmissionIndex })
        {
            throw new ProblemException(GuardianEnrollmentProblems.ChildEnrolled);
        }
        return new SubmitEnrollmentResponse(EnrollmentStatus.Submitted, number);
    }

}

internal sealed class SubmitEnrollmentEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapPost("v1/me/children/{id:guid}/submit", async (Guid id, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
                TypedResults.Accepted($"/api/v1/me/children/{id}", await sender.Send(new SubmitEnrollment(id, user), ct)))
            .WithName("SubmitEnrollment")
            .RequireAccess(AccessPolicies.Citizen)
            .WithSummary("Ghi nhận hồ sơ của trẻ · Record the enrolment")
            .WithDescription("Cần ảnh giấy khai sinh (409 `enrollment.birth_certificate_missing`). Sau khi ghi nhận: SMS có số hồ sơ tới người giám hộ, "
                + "tờ khai Mẫu 01 được tạo (`GET /api/v1/me/children/{id}/form-01.pdf`) để in, ký và nộp cho giáo viên chủ nhiệm; hồ sơ vào hàng chờ của cơ quan BHXH. "
                + "409 `enrollment.child_enrolled` khi một người giám hộ khác đã ghi nhận trẻ này trước.")
            .Produces<SubmitEnrollmentResponse>(StatusCodes.Status202Accepted)
            .ProducesProblems(CommonProblems.NotFound, GuardianEnrollmentProblems.BirthCertificateMissing, GuardianEnrollmentProblems.NotEditable,
                GuardianEnrollmentProblems.ChildEnrolled, GuardianEnrollmentProblems.ChildHasAccount, GuardianEnrollmentProblems.ApplicationOpen,
                GuardianEnrollmentProblems.OfficeClosed, CommonProblems.Conflict)
            .WithResponseExample(StatusCodes.Status202Accepted, new SubmitEnrollmentResponse(EnrollmentStatus.Submitted, "00131-20261202-TE000042"));
}
