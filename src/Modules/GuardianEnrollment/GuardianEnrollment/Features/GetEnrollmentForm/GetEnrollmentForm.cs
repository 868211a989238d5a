using System.Security.Claims;
using Marten;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Http;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.BuildingBlocks.Security;
using VssId.Modules.Notifications.Contracts;

namespace VssId.Modules.GuardianEnrollment.Features.GetEnrollmentForm;

/// <summary>The child's Mẫu 01: the PDF, or null while its job still renders it.</summary>
public sealed record EnrollmentForm(byte[]? Pdf, string FileName);

public sealed record GetEnrollmentForm(Guid Id, ClaimsPrincipal User) : IQuery<EnrollmentForm>;

/// <summary>The recorded enrolment's Mẫu 01 (child variant): rendered once by a job, served as stored.</summary>
internal sealed class GetEnrollmentFormHandler(IQuerySession session, IDeclarationForms forms) : IQueryHandler<GetEnrollmentForm, EnrollmentForm>
{
    public async ValueTask<EnrollmentForm> Handle(GetEnrollmentForm query, CancellationToken cancellationToken)
    {
        var enrollment = await EnrollmentAccess.Load(session, query.Id, query.User, cancellationToken);
        if (enrollment.ApplicationNumber is not { } number)
        {
            throw new ProblemException(GuardianEnrollmentProblems.NotSubmitted);
        }
        var form = await forms.Get(EnrollmentForms.DocumentId(query.Id, number), cancellationToken);
        if (form.Status == DeclarationFormStatus.Erased)
        {
            throw new ProblemException(CommonProblems.NotFound);
        }
        return new EnrollmentForm(form.Pdf, $"to-khai-mau-01-{number}.pdf");
    }
}


internal sealed class GetEnrollmentFormEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapGet("v1/me/children/{id:guid}/form-01.pdf", async (Guid id, ClaimsPrincipal user, HttpContext http, ISender sender, CancellationToken ct) =>
            {
                var form = await sender.Send(new GetEnrollmentForm(id, user), ct);
                return RenderedPdf.Result(http.Response, form.Pdf, form.FileName);
            })
            .WithName("GetEnrollmentForm")
            .RequireAccess(AccessPolicies.Citizen)
            .WithSummary("Tải tờ khai Mẫu 01 của trẻ (PDF) · Download the child's Mẫu 01")
            .WithDescription("Mẫu số 01 của trẻ (có thông tin người giám hộ và mã QR xác thực) để in, ký và nộp cho giáo viên chủ nhiệm. "
                + "409 trước khi ghi nhận; 202 kèm `Retry-After` khi tờ khai đang được tạo. 409 before recording; 202 with `Retry-After` while it renders.")
            .Produces<Stream>(StatusCodes.Status200OK, "application/pdf")
            .Produces(StatusCodes.Status202Accepted)
            .ProducesProblems(CommonProblems.NotFound, GuardianEnrollmentProblems.NotSubmitted);
}
