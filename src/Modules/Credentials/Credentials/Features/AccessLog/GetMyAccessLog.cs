using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using Marten;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using VssId.BuildingBlocks.Audit;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.BuildingBlocks.Security;
using VssId.Modules.Credentials.Domain;

namespace VssId.Modules.Credentials.Features.AccessLog;

/// <summary>
/// One read of the caller's data: when, by whom (an office, or a school — never the person's user name: staff are
/// named by their office), what, and what it belonged to.
/// </summary>
public sealed record AccessLogEntry(
    DateTimeOffset At,
    [property: AllowedValues("officer", "school", "client")] string ReaderKind,
    string? ReaderOffice,
    string What,
    string? Reference);

public sealed record AccessLogPage(IReadOnlyList<AccessLogEntry> Items, string? NextCursor);

public sealed record GetMyAccessLog(ClaimsPrincipal User, int? Limit, string? Cursor) : IQuery<AccessLogPage>;

/// <summary>What staff and clients read about the caller (by their mã số BHXH), newest first.</summary>
public sealed class GetMyAccessLogHandler(IQuerySession session, NpgsqlDataSource database) : IQueryHandler<GetMyAccessLog, AccessLogPage>
{
    public async ValueTask<AccessLogPage> Handle(GetMyAccessLog query, CancellationToken cancellationToken)
    {
        var before = Cursor.ReadId(query.Cursor);
        var account = Guid.TryParse(query.User.Subject(), out var accountId) ? await session.LoadAsync<Account>(accountId, cancellationToken) : null;
        if (account?.BhxhCode is not { } subject)
        {
            throw new ProblemException(CommonProblems.NotFound);
        }
        var limit = Math.Clamp(query.Limit ?? 50, 1, 100);
        var rows = await PersonalDataReads.About(database, subject, before, limit + 1, cancellationToken);
        var items = rows.Take(limit).Select(r => new AccessLogEntry(r.At, r.ReaderKind, r.ReaderOffice, r.What, r.Reference)).ToList();
        return new AccessLogPage(items, rows.Count > limit ? rows[limit - 1].Id.ToString(CultureInfo.InvariantCulture) : null);
    }
}

internal sealed class GetMyAccessLogEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/account/me/access-log", async (ClaimsPrincipal user, int? limit, string? cursor, ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await sender.Send(new GetMyAccessLog(user, limit, cursor), ct)))
            .WithName("GetMyAccessLog")
            .RequireAccess(AccessPolicies.Person)
            .WithSummary("Ai đã xem dữ liệu của tôi · Who read my data")
            .WithDescription("Mỗi lần cán bộ xem hồ sơ hoặc ảnh, mỗi lần trường xem danh sách lớp hoặc tải tờ khai có tên bạn (hoặc bạn là người giám hộ) "
                + "đều được ghi lại, cả khi hồ sơ hiện trong danh sách chờ của cơ quan (Nghị định 13/2023/NĐ-CP). `what`: `queue`, `case`, `photo:<loại>`, `school-list`, `class-forms`; `readerOffice`: mã cơ quan BHXH "
                + "hoặc mã trường; `reference`: số hồ sơ hoặc lớp. Mới nhất trước.")
            .WithParameter("limit", "Số dòng mỗi trang (≤ 100) · Page size (≤ 100)", "50")
            .WithParameter("cursor", "`nextCursor` của trang trước · The previous page's `nextCursor`", "1042")
            .WithResponseExample(StatusCodes.Status200OK, new AccessLogPage(
                [new AccessLogEntry(new DateTimeOffset(2026, 12, 3, 9, 15, 0, TimeSpan.FromHours(7)), "officer", "00123", "photo:portrait", "00123-20261203-000042")], null))
            .ProducesProblems(CommonProblems.Validation, CommonProblems.NotFound);
}
