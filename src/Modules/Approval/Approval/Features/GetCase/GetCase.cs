using VssId.BuildingBlocks.Audit;
using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Marten;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Files;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.BuildingBlocks.Security;
using VssId.Modules.Approval.Contracts;
using VssId.Modules.Approval.Domain;

namespace VssId.Modules.Approval.Features.GetCase;

public sealed record CaseDocumentLink([property: AllowedValues("portrait", "id-front", "id-back", "birth-certificate")] string Kind, string Url);

public sealed record CaseHistoryEntry(DateTimeOffset At, string Who, string What);

public sealed record CaseResponse(Guid Id, Guid ApplicationId, [property: AllowedValues(CaseKinds.Adult, CaseKinds.Child)] string Kind,
    [property: AllowedValues(CaseStatus.Pending, CaseStatus.UnderReview, CaseStatus.Approved, CaseStatus.Rejected, CaseStatus.NeedsInformation)] string Status,
    string OfficeCode, string ApplicationNumber, DateTimeOffset SubmittedAt, CaseDeclaration Declaration, IReadOnlyList<CaseDocumentLink> Documents,
    string? ClaimedBy, DateTimeOffset? ClaimedUntil, RegistryCheckResponse RegistryCheck, IReadOnlyList<CaseHistoryEntry> History);

/// <summary>The declaration against the insured-person registry, field by field.</summary>
public sealed record RegistryCheckResponse(bool Found,
    [property: AllowedValues(Verdicts.Match, Verdicts.Mismatch, Verdicts.NotInRegistry)] string FullName,
    [property: AllowedValues(Verdicts.Match, Verdicts.Mismatch, Verdicts.NotInRegistry)] string DateOfBirth,
    [property: AllowedValues(Verdicts.Match, Verdicts.Mismatch, Verdicts.NotInRegistry)] string Gender);

public sealed record GetCase(Guid Id, ClaimsPrincipal User) : ICommand<CaseResponse>;

public sealed record GetCaseDocument(Guid Id, string Kind, ClaimsPrincipal User) : ICommand<CaseDocumentContent>;

public sealed record CaseDocumentContent(byte[] Content, string ContentType);

/// <summary>
/// The case as the officer reviews it: declaration, photo links, history. Every read of the case or of a
/// photo is itself recorded in the history (an officer's curiosity leaves a trace), so these are commands.
/// </summary>
public sealed class GetCaseHandlers(IDocumentSession session, IFileStore files, VssId.BuildingBlocks.Privacy.PersonKeys people,
    Npgsql.NpgsqlDataSource database, TimeProvider time)
    : ICommandHandler<GetCase, CaseResponse>, ICommandHandler<GetCaseDocument, CaseDocumentContent>
{
    public async ValueTask<CaseResponse> Handle(GetCase command, CancellationToken cancellationToken)
    {
        var stream = await CaseAccess.LoadForWriting(session, command.Id, command.User, cancellationToken);
        var now = time.GetUtcNow();
        stream.AppendOne(new CaseViewed(CaseAccess.Officer(command.User), "case", now));
        PersonalDataReads.Record(session, now, Reads(stream.Aggregate!, command.User, "case"));
        await session.SaveChangesAsync(cancellationToken);
        var c = stream.Aggregate!;
        var events = await session.Events.FetchStreamAsync(c.Id, token: cancellationToken);
        var check = RegistryCheck.Of(c.Declaration, await ReadModels.Registry.Find(database, c.Declaration.BhxhCode, cancellationToken));
        return new CaseResponse(c.Id, c.ApplicationId, c.Kind, c.Status, c.OfficeCode, c.ApplicationNumber, c.SubmittedAt, c.Declaration,
            c.Documents.Values.OrderBy(d => d.Kind, StringComparer.Ordinal).Select(d => new CaseDocumentLink(d.Kind, $"/api/v1/cases/{c.Id}/documents/{d.Kind}")).ToList(),
            c.HolderAt(now), c.HolderAt(now) is null ? null : c.ClaimedUntil,
            new RegistryCheckResponse(check.Found, check.FullName, check.DateOfBirth, check.Gender), events.Select(e => History(e.Timestamp, e.Data)).OfType<CaseHistoryEntry>().ToList());
    }

    public async ValueTask<CaseDocumentContent> Handle(GetCaseDocument command, CancellationToken cancellationToken)
    {
        var stream = await CaseAccess.LoadForWriting(session, command.Id, command.User, cancellationToken);
        // A photo whose person was erased is gone, as a missing one is.
        if (!stream.Aggregate!.Documents.TryGetValue(command.Kind, out var document) || await files.Read(document.StorageKey, cancellationToken) is not { } stored
            || await people.Open(stored, cancellationToken) is not { } content)
        {
            throw new ProblemException(CommonProblems.NotFound);
        }
        stream.AppendOne(new CaseViewed(CaseAccess.Officer(command.User), $"document:{command.Kind}", time.GetUtcNow()));
        PersonalDataReads.Record(session, time.GetUtcNow(), Reads(stream.Aggregate, command.User, $"photo:{command.Kind}"));
        await session.SaveChangesAsync(cancellationToken);
        return new CaseDocumentContent(content, document.ContentType);
    }

    // The person the case is about and, for a child's case, the guardian whose identity it shows: both may ask who read them.
    private static IEnumerable<PersonalDataRead> Reads(ReviewCase c, ClaimsPrincipal officer, string what) =>
        new[] { c.Declaration.BhxhCode, c.Declaration.Guardian?.BhxhCode }.OfType<string>()
            .Select(subject => new PersonalDataRead(subject, "officer", CaseAccess.Officer(officer), c.OfficeCode, what, c.ApplicationNumber));

    private static CaseHistoryEntry? History(DateTimeOffset at, object data) => data switch
    {
        CaseOpened e => new(at, "system", $"submitted {e.ApplicationNumber}"),
        CaseResubmitted e => new(at, "system", $"resubmitted {e.ApplicationNumber}"),
        CaseClaimed e => new(at, e.Officer, "claimed"),
        ReviewStarted e => new(at, e.Officer, "review started"),
        CaseReleased e => new(at, e.Officer, "released"),
        CaseViewed e => new(at, e.Officer, $"viewed {e.What}"),
        CaseApproved e => new(at, e.Officer, "approved"),
        CaseRejected e => new(at, e.Officer, $"rejected: {e.ReasonCode}"),
        InformationRequested e => new(at, e.Officer, $"requested information: {e.ReasonCode}"),
        _ => null,
    };
}

internal sealed class GetCaseEndpoints : IEndpoint
{
    public void Map(IEndpointRouteBuilder group)
    {
        group.MapGet("/cases/{id:guid}", async (Guid id, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await sender.Send(new GetCase(id, user), ct)))
            .WithName("GetCase")
            .RequireAccess(AccessPolicies.Officer)
            .WithSummary("Xem hồ sơ · Review a case")
            .WithDescription("Tờ khai, liên kết ảnh, lịch sử. Mỗi lần xem được ghi vào lịch sử. Hồ sơ của cơ quan khác: 404.")
            .ProducesProblems(CommonProblems.NotFound);

        group.MapGet("/cases/{id:guid}/documents/{kind}", async (Guid id, string kind, ClaimsPrincipal user, HttpContext http, ISender sender, CancellationToken ct) =>
            {
                var document = await sender.Send(new GetCaseDocument(id, kind, user), ct);
                http.Response.Headers.CacheControl = "no-store";
                return Results.File(document.Content, document.ContentType);
            })
            .WithName("GetCaseDocument")
            .RequireAccess(AccessPolicies.Officer)
            .WithSummary("Ảnh của hồ sơ · A photo of the case")
            .WithDescription("`Cache-Control: no-store`; mỗi lần xem được ghi vào lịch sử.")
            .WithParameter("kind", "Loại ảnh · Photo kind", "portrait", ["portrait", "id-front", "id-back", "birth-certificate"], enumName: "CaseDocumentKind")
            .Produces<Stream>(StatusCodes.Status200OK, "image/jpeg", "image/png")
            .ProducesProblems(CommonProblems.NotFound);
    }
}
