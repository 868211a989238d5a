using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.Modules.Notifications.Contracts;

namespace VssId.Modules.Registration.Features.GetDeclarationPdf;

/// <summary>The submitted application's Mẫu 01: rendered once by a job, served as stored.</summary>
internal sealed class GetDeclarationPdfEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/registrations/{id:guid}/declaration.pdf", async (Guid id, IQuerySession session, IDeclarationForms forms, HttpContext http, CancellationToken ct) =>
            {
                var application = await ApplicationAccess.Load(session, id, ApplicationAccess.Bearer(http.Request), ct);
                if (application.ApplicationNumber is null)
                {
                    throw new ProblemException(RegistrationProblems.NotSubmitted);
                }
                var form = await forms.Get(DerivedId.DeclarationForm(id, application.ApplicationNumber), ct);
                if (form.Pdf is null)
                {
                    http.Response.Headers.RetryAfter = "2";
                    return Results.Accepted();
                }
                return Results.File(form.Pdf, "application/pdf", $"to-khai-mau-01-{application.ApplicationNumber}.pdf");
            })
            .WithTags(RegistrationModule.Tag)
            .WithName("GetDeclarationPdf")
            .WithBearerToken()
            .WithSummary("Tải tờ khai Mẫu 01 (PDF) · Download the Mẫu 01 declaration")
            .WithDescription("409 trước khi gửi hồ sơ; 202 kèm `Retry-After` khi tờ khai đang được tạo.")
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf")
            .Produces(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
}
