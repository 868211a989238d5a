using VssId.BuildingBlocks.Audit;
using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.BuildingBlocks.Security;
using VssId.Modules.Approval.Contracts;
using VssId.Modules.Approval.Domain;
using VssId.Modules.Approval.ReadModels;

namespace VssId.Modules.Approval.Features.GetQueue;

public sealed record QueueItem(Guid Id, Guid ApplicationId, [property: AllowedValues(CaseKinds.Adult, CaseKinds.Child)] string Kind,
    [property: AllowedValues(CaseStatus.Pending, CaseStatus.UnderReview, CaseStatus.Approved, CaseStatus.Rejected, CaseStatus.NeedsInformation)] string Status,
    string ApplicationNumber, string FullName, DateTimeOffset SubmittedAt, string? ClaimedBy, DateTimeOffset? ClaimedUntil);

public sealed record QueuePage(IReadOnlyList<QueueItem> Items, string? NextCursor);

public sealed record GetQueue(ClaimsPrincipal User, string OfficeCode, string? Status, string? Kind, string? ApplicationNumber, int? Limit, string? Cursor)
    : IQuery<QueuePage>;

/// <summary>An office's queue, oldest first (open cases by default); 403 for an officer of another office.</summary>
public sealed class GetQueueHandler(NpgsqlDataSource database, TimeProvider time) : IQueryHandler<GetQueue, QueuePage>
{
    public async ValueTask<QueuePage> Handle(GetQueue query, CancellationToken cancellationToken)
    {
        if (query.User.Office() != query.OfficeCode)
        {
            throw new ProblemException(CommonProblems.Forbidden);
        }
        var errors = new FieldErrors();
        IReadOnlyList<string> statuses = [CaseStatus.Pending, CaseStatus.UnderReview];
        if (query.Status is { Length: > 0 } status)
        {
            statuses = CaseStatus.All.Contains(status) ? [status] : [];
            if (statuses.Count == 0)
            {
                errors.Add("status", ApprovalProblems.StatusUnknown);
            }
        }
        (DateTimeOffset, Guid)? after = null;
        if (query.Cursor is { Length: > 0 } cursor)
        {
            after = CaseIndex.ReadCursor(cursor);
            if (after is null)
            {
                errors.Add("cursor", ApprovalProblems.CursorInvalid);
            }
        }
        errors.ThrowIfAny();
        var limit = Math.Clamp(query.Limit ?? 50, 1, 100);
        var rows = await CaseIndex.Page(database, query.OfficeCode, statuses, query.Kind, query.ApplicationNumber?.Trim(), after, limit + 1, cancellationToken);
        var now = time.GetUtcNow();
        // A page names people: each listing goes to their access log (issue 13 item 14).
        await PersonalDataReads.Record(database, now, rows.Take(limit).Select(r => r.Subject).OfType<string>()
            .Select(subject => new PersonalDataRead(subject, "officer", CaseAccess.Officer(query.User), query.OfficeCode, "queue", null)).ToList(), cancellationToken);
        var items = rows.Take(limit).Select(r => new QueueItem(r.Id, r.ApplicationId, r.Kind, r.Status, r.ApplicationNumber, r.FullName, r.SubmittedAt,
            r.ClaimedUntil > now ? r.ClaimedBy : null, r.ClaimedUntil > now ? r.ClaimedUntil : null)).ToList();
        return new QueuePage(items, rows.Count > limit ? CaseIndex.CursorAfter(rows[limit - 1]) : null);
    }
}

internal sealed class GetQueueEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/offices/{officeCode}/cases", async (string officeCode, string? status, string? kind, string? applicationNumber, int? limit, string? cursor,
                ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await sender.Send(new GetQueue(user, officeCode, status, kind, applicationNumber, limit, cursor), ct)))
            .WithName("GetOfficeQueue")
            .RequireAccess(AccessPolicies.Officer)
            .WithSummary("Hàng đợi hồ sơ của cơ quan · The office's queue")
            .WithDescription("Cũ nhất trước; mặc định các hồ sơ đang chờ (Pending, UnderReview). Cán bộ cơ quan khác: 403.")
            .WithParameter("officeCode", "Mã cơ quan BHXH của cán bộ · The officer's office code", "00131")
            .WithParameter("status", "Lọc theo trạng thái · Filter by status", CaseStatus.Pending, CaseStatus.All, enumName: "CaseStatus")
            .WithParameter("kind", "Loại hồ sơ · Kind of case", CaseKinds.Adult, [CaseKinds.Adult, CaseKinds.Child], enumName: "CaseKind")
            .WithParameter("applicationNumber", "Số hồ sơ · Application number", "00131-20261202-000042")
            .WithParameter("limit", "Số dòng mỗi trang (≤ 100) · Page size (≤ 100)", "50")
            .WithParameter("cursor", "`nextCursor` của trang trước · The previous page's `nextCursor`", "NjM5MDAwMDAwMDAwMDAwMDAwOjE")
            .ProducesProblems(CommonProblems.Validation);
}
