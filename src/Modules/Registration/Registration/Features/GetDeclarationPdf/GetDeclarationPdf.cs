using Marten;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Http;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.Modules.Notifications.Contracts;

namespace VssId.Modules.Registration.Features.GetDeclarationPdf;

/// <summary>The Mẫu 01 of a submitted application: the PDF, or null while its job still renders it.</summary>
public sealed record DeclarationPdf(byte[]? Pdf, string FileName);

public sealed record GetDeclarationPdf(Guid Id, string? Token) : IQuery<DeclarationPdf>;

/// <summary>The submitted application's Mẫu 01: rendered once by a job, served as stored.</summary>
public sealed class GetDeclarationPdfHandler(IQuerySession session, IDeclarationForms forms, TimeProvider time) : IQueryHandler<GetDeclarationPdf, DeclarationPdf>
{
    public async ValueTask<DeclarationPdf> Handle(GetDeclarationPdf query, CancellationToken cancellationToken)
    {
        var application = await ApplicationAccess.Load(session, query.Id, query.Token, time, cancellationToken);
        if (application.ApplicationNumber is null)
        {
            throw new ProblemException(RegistrationProblems.NotSubmitted);
        }
        var form = await forms.Get(DerivedForms.DeclarationForm(query.Id, application.ApplicationNumber), cancellationToken);
        if (form.Status == DeclarationFormStatus.Erased)
        {
            throw new ProblemException(CommonProblems.NotFound);
        }
        return new DeclarationPdf(form.Pdf, $"to-khai-mau-01-{application.ApplicationNumber}.pdf");
    }
}

internal sealed class GetDeclarationPdfEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/registrations/{id:guid}/declaration.pdf", async (Guid id, ISender sender, HttpContext http, CancellationToken ct) =>
            {
                var form = await sender.Send(new GetDeclarationPdf(id, ApplicationAccess.Bearer(http.Request)), ct);
                return RenderedPdf.Result(http.Response, form.Pdf, form.FileName);
            })
            .WithName("GetDeclarationPdf")
            .WithBearerToken()
            .WithSummary("Tải tờ khai Mẫu 01 (PDF) · Download the Mẫu 01 declaration")
            .WithDescription("409 trước khi gửi hồ sơ; 202 kèm `Retry-After` khi tờ khai đang được tạo. "
                + "409 before submission; 202 with `Retry-After` while the form is being rendered.")
            .Produces<Stream>(StatusCodes.Status200OK, "application/pdf")
            .Produces(StatusCodes.Status202Accepted)
            .ProducesProblems(CommonProblems.NotFound, RegistrationProblems.NotSubmitted);
}
