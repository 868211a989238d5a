using System.Security.Claims;
using Marten;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Http;
using VssId.BuildingBlocks.Files;
using VssId.BuildingBlocks.Privacy;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.BuildingBlocks.Security;
using VssId.Modules.GuardianEnrollment.Domain;

namespace VssId.Modules.GuardianEnrollment.Features.AttachEnrollmentDocument;

public sealed record AttachEnrollmentDocument(Guid Id, string Kind, Memory<byte> Content, ClaimsPrincipal User) : ICommand;

/// <summary>
/// The birth certificate (required) or a portrait (optional), under the adults' image rules (<see cref="PhotoUpload"/>).
/// One stored file per kind: each photo is stored under a new name, and the one it replaces,
/// unless a submission carried it, is deleted by a reaction to the event, so re-uploading never piles up files;
/// <see cref="Enrollment.MaxUploadsPerDay"/> uploads a day. The file is written before the event, so an event never
/// points at a missing file (a crash in between leaves an orphan file; an upload that loses a race deletes its own).
/// </summary>
internal sealed class AttachEnrollmentDocumentHandler(IDocumentSession session, IFileStore files, PersonKeys people, TimeProvider time)
    : ICommandHandler<AttachEnrollmentDocument>
{
    public async ValueTask<Mediator.Unit> Handle(AttachEnrollmentDocument command, CancellationToken cancellationToken)
    {
        if (!EnrollmentDocumentKinds.All.Contains(command.Kind))
        {
            throw new ProblemException(GuardianEnrollmentProblems.DocumentKindUnknown);
        }
        var stream = await EnrollmentAccess.LoadForWriting(session, command.Id, command.User, cancellationToken);
        // Before the image is parsed: a spent budget costs the server nothing more.
        var now = time.GetUtcNow();
        stream.Aggregate!.EnsureUploadBudget(now);
        var image = PhotoUpload.Inspect(command.Content, GuardianEnrollmentProblems.DocumentNotImage, GuardianEnrollmentProblems.DocumentTooSmall);
        // A new name per upload, as an adult's photos: a file a submission carried is never overwritten by a later
        // upload (the office's case keeps showing what was submitted), and of two uploads at once each event names its own.
        var attached = stream.Aggregate!.Attach(new EnrollmentDocument(command.Kind, PhotoUpload.NewKey($"enrollment/{command.Id:N}", command.Kind, image.Extension),
            image.ContentType, image.Width, image.Height, image.Stripped.Length), now);
        stream.AppendOne(attached);
        // Sealed with the child's own key: erasing the child makes the photo noise (ADR 16).
        await PhotoUpload.StoreThenRecord(files, attached.Document.StorageKey, await people.Seal(stream.Aggregate.Child.BhxhCode, image.Stripped, cancellationToken),
            () => session.SaveChangesAsync(cancellationToken), cancellationToken);
        return Mediator.Unit.Value;
    }
}

internal sealed class AttachEnrollmentDocumentEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapPut("v1/me/children/{id:guid}/documents/{kind}", async (Guid id, string kind, ClaimsPrincipal user, HttpContext http, ISender sender, CancellationToken ct) =>
            {
                // The token is checked (authorization) before this reads the body.
                using var body = await PhotoUpload.ReadBody(http.Request, GuardianEnrollmentProblems.DocumentTooLarge, ct);
                await sender.Send(new AttachEnrollmentDocument(id, kind, body.Content, user), ct);
                return TypedResults.NoContent();
            })
            .WithName("AttachEnrollmentDocument")
            .WithBodyLimit(PhotoUpload.MaxBytes, GuardianEnrollmentProblems.DocumentTooLarge)
            .RequireAccess(AccessPolicies.Citizen)
            .WithSummary("Tải ảnh giấy khai sinh / ảnh chân dung của trẻ · Upload the birth certificate or a portrait")
            .WithDescription("`kind`: `birth-certificate` (bắt buộc trước khi ghi nhận) hoặc `portrait` (không bắt buộc). Thân yêu cầu là chính ảnh "
                + "(`image/jpeg` hoặc `image/png`), tối đa 5 MB, tối thiểu 600×400 điểm ảnh; thông tin EXIF/GPS bị xóa trước khi lưu. Tải lại thì thay ảnh cũ. "
                + "Tối đa 100 lần tải trong 24 giờ cho mỗi hồ sơ (429 `enrollment.upload_budget_used`, kèm `Retry-After`).")
            .WithParameter("kind", "Loại ảnh · Photo kind.", EnrollmentDocumentKinds.BirthCertificate, EnrollmentDocumentKinds.All, required: true,
                enumName: "EnrollmentDocumentKind")
            .Accepts<byte[]>("image/jpeg", "image/png")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblems(GuardianEnrollmentProblems.DocumentTooSmall, CommonProblems.NotFound, GuardianEnrollmentProblems.DocumentKindUnknown,
                GuardianEnrollmentProblems.NotEditable, CommonProblems.Conflict, GuardianEnrollmentProblems.DocumentTooLarge, GuardianEnrollmentProblems.DocumentNotImage,
                GuardianEnrollmentProblems.UploadBudgetUsed);
}
