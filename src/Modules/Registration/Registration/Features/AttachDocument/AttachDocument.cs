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
using VssId.Modules.Registration.Domain;

namespace VssId.Modules.Registration.Features.AttachDocument;

public sealed record AttachDocument(Guid Id, string? Token, string Kind, Memory<byte> Content) : ICommand;

/// <summary>
/// Stores a photo: JPEG or PNG by content, at most 5 MiB, at least 600×400 (either way round) and at most
/// 40 megapixels, metadata stripped before it touches the disk. The file is written first and the event
/// after, so an event never points at a missing file (a crash in between leaves an orphan file only; an upload that
/// loses a race deletes its own, <see cref="PhotoUpload.StoreThenRecord"/>). The file it replaces, unless a submission refers to it, is deleted by a reaction to the event; at most
/// <see cref="Application.MaxUploadsPerDay"/> uploads a day.
/// </summary>
public sealed class AttachDocumentHandler(IDocumentSession session, IFileStore files, PersonKeys people, TimeProvider time) : ICommandHandler<AttachDocument>
{
    public async ValueTask<Mediator.Unit> Handle(AttachDocument command, CancellationToken cancellationToken)
    {
        if (!DocumentKinds.Required.Contains(command.Kind))
        {
            throw new ProblemException(RegistrationProblems.DocumentKindUnknown);
        }
        var stream = await ApplicationAccess.LoadForWriting(session, command.Id, command.Token, null, time, cancellationToken);
        var application = stream.Aggregate!;
        var image = PhotoUpload.Inspect(command.Content, RegistrationProblems.DocumentNotImage, RegistrationProblems.DocumentTooSmall);
        if (!application.IsEditable)
        {
            throw new ProblemException(RegistrationProblems.NotEditable);
        }
        var key = PhotoUpload.NewKey($"registration/{command.Id:N}", command.Kind, image.Extension);
        // Decided first (the budget may refuse it), stored second, recorded last.
        var attached = application.Attach(new StoredDocument(command.Kind, key, image.ContentType, image.Width, image.Height, image.Stripped.Length),
            time.GetUtcNow());
        stream.AppendOne(attached);
        // Sealed with the applicant's own key: erasure makes it noise (ADR 16).
        await PhotoUpload.StoreThenRecord(files, key, await people.Seal(application.BhxhCode, image.Stripped, cancellationToken),
            () => session.SaveChangesAsync(cancellationToken), cancellationToken);
        return Mediator.Unit.Value;
    }
}

internal sealed class AttachDocumentEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapPut("/registrations/{id:guid}/documents/{kind}", async (Guid id, string kind, ISender sender, HttpContext http, CancellationToken ct) =>
            {
                using var body = await PhotoUpload.ReadBody(http.Request, RegistrationProblems.DocumentTooLarge, ct);
                await sender.Send(new AttachDocument(id, ApplicationAccess.Bearer(http.Request), kind, body.Content), ct);
                return TypedResults.NoContent();
            })
            .WithName("AttachDocument")
            .WithBodyLimit(PhotoUpload.MaxBytes, RegistrationProblems.DocumentTooLarge)
            .WithBearerToken()
            .WithSummary("Tải ảnh (chân dung, mặt trước, mặt sau giấy tờ) · Upload a photo")
            .WithDescription("`kind`: `portrait`, `id-front`, `id-back`. Thân yêu cầu là chính ảnh (`image/jpeg` hoặc `image/png`), tối đa 5 MB, "
                + "tối thiểu 600×400 điểm ảnh. Thông tin EXIF/GPS bị xóa trước khi lưu.")
            .WithParameter("kind", "Loại ảnh · Photo kind.", DocumentKinds.Portrait, DocumentKinds.Required, required: true)
            .Accepts<byte[]>("image/jpeg", "image/png")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblems(RegistrationProblems.DocumentTooSmall, CommonProblems.NotFound, RegistrationProblems.DocumentKindUnknown, RegistrationProblems.NotEditable,
                CommonProblems.Conflict, RegistrationProblems.DocumentTooLarge, RegistrationProblems.DocumentNotImage, RegistrationProblems.UploadBudgetUsed);
}
