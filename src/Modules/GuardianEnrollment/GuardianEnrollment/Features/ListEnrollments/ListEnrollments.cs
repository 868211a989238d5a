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
using VssId.Modules.GuardianEnrollment.Domain;
using VssId.Modules.GuardianEnrollment.ReadModels;

namespace VssId.Modules.GuardianEnrollment.Features.ListEnrollments;

public sealed record EnrollmentListItem(
    Guid Id,
    [property: AllowedValues(EnrollmentStatus.Draft, EnrollmentStatus.AwaitingGuardianConsent, EnrollmentStatus.Submitted, EnrollmentStatus.UnderReview,
        EnrollmentStatus.Approved, EnrollmentStatus.Rejected, EnrollmentStatus.NeedsInformation,
        EnrollmentStatus.Expired)] string Status,
    [property: RegularExpression(ContractFormats.BhxhCode)] string ChildBhxhCode,
    string ChildFullName,
    string OfficeCode,
    string? ApplicationNumber,
    DateTimeOffset StartedAt,
    DateTimeOffset? SubmittedAt);

public sealed record EnrollmentPage(IReadOnlyList<EnrollmentListItem> Items, string? NextCursor);

public sealed record ListEnrollments(ClaimsPrincipal User, int? Limit, string? Cursor) : IQuery<EnrollmentPage>;

/// <summary>The guardian's enrolments, newest first, from the narrow index; the cursor is the last id of the page.</summary>
internal sealed class ListEnrollmentsHandler(NpgsqlDataSource database) : IQueryHandler<ListEnrollments, EnrollmentPage>
{
    public async ValueTask<EnrollmentPage> Handle(ListEnrollments query, CancellationToken cancellationToken)
    {
        Guid? before = null;
        if (query.Cursor is { Length: > 0 } cursor)
        {
            before = Guid.TryParseExact(cursor, "N", out var id) ? id : throw new ValidationProblemException([("cursor", CommonProblems.CursorInvalid)]);
        }
        var limit = Math.Clamp(query.Limit ?? 20, 1, 100);
        var rows = await EnrollmentIndex.OfGuardian(database, EnrollmentAccess.Guardian(query.User), query.User.FindFirst(VssIdClaims.UserName)?.Value, before, limit + 1, cancellationToken);
        var items = rows.Take(limit).Select(r => new EnrollmentListItem(r.Id, r.Status, r.ChildBhxhCode, r.ChildFullName, r.OfficeCode, r.ApplicationNumber,
            r.StartedAt, r.SubmittedAt)).ToList();
        return new EnrollmentPage(items, rows.Count > limit ? items[^1].Id.ToString("N") : null);
    }
}

internal sealed class ListEnrollmentsEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapGet("v1/me/children", async (ClaimsPrincipal user, ISender sender, CancellationToken ct, int? limit = null, string? cursor = null) =>
                TypedResults.Ok(await sender.Send(new ListEnrollments(user, limit, cursor), ct)))
            .WithName("ListEnrollments")
            .RequireAccess(AccessPolicies.Citizen)
            .WithSummary("Danh sách hồ sơ đã đăng ký cho trẻ · The guardian's enrolments")
            .WithDescription("Mới nhất trước; `limit` ≤ 100 (mặc định 20), `cursor` lấy từ `nextCursor` của trang trước.")
            .WithParameter("limit", "Số hồ sơ mỗi trang (1–100) · Page size", "20")
            .WithParameter("cursor", "Con trỏ trang tiếp theo · Next-page cursor", "0193a6b28d4e7f10a2b3c4d5e6f70812")
            .Produces<EnrollmentPage>(StatusCodes.Status200OK)
            .ProducesProblems(CommonProblems.Validation)
            .WithResponseExample(StatusCodes.Status200OK, new EnrollmentPage([new EnrollmentListItem(Guid.Parse("0193a6b2-8d4e-7f10-a2b3-c4d5e6f70812"),
                EnrollmentStatus.Submitted, "0116004321", "Nguyễn Minh Khôi", "00131", "00131-20261202-TE000042",
                new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 2, 8, 4, 0, TimeSpan.Zero))], null));
}
