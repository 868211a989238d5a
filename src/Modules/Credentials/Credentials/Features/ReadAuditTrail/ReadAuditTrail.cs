using System.Globalization;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.BuildingBlocks.Security;
using VssId.Modules.Credentials.Audit;

namespace VssId.Modules.Credentials.Features.ReadAuditTrail;

public sealed record AuditTrailPage(IReadOnlyList<AuditRecord> Items, string? NextCursor);

public sealed record ReadAuditTrail(string? Who, int? Limit, string? Cursor) : IQuery<AuditTrailPage>;

/// <summary>The identity audit trail, newest first, for administrators (optionally about one user or client).</summary>
public sealed class ReadAuditTrailHandler(AuditTrail audit) : IQueryHandler<ReadAuditTrail, AuditTrailPage>
{
    public async ValueTask<AuditTrailPage> Handle(ReadAuditTrail query, CancellationToken cancellationToken)
    {
        var before = Cursor.ReadId(query.Cursor);
        var limit = Math.Clamp(query.Limit ?? 50, 1, 100);
        var who = query.Who?.Trim() is { Length: > 0 and <= 64 } w ? w : null;
        var page = await audit.Read(who, before, limit + 1, cancellationToken);
        return new AuditTrailPage(page.Take(limit).ToList(), page.Count > limit ? page[limit - 1].Id.ToString(CultureInfo.InvariantCulture) : null);
    }
}

internal sealed class ReadAuditTrailEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/admin/audit", async (string? who, int? limit, string? cursor, ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await sender.Send(new ReadAuditTrail(who, limit, cursor), ct)))
            .WithName("ReadAuditTrail")
            .WithTags(CredentialsModule.AdminTag)
            .RequireAccess(AccessPolicies.Admin)
            .WithSummary("Nhật ký kiểm toán tài khoản · Identity audit trail")
            .WithDescription("Đăng nhập (thành công và thất bại, kèm ứng dụng và địa chỉ), khóa, đổi mật khẩu, thay đổi cán bộ và ứng dụng, xoá dữ liệu cá nhân; "
                + "thao tác quản trị của các phân hệ khác: bật/tắt tự duyệt của cơ quan (`office.settings_changed`, đối tượng là mã cơ quan), "
                + "nhập danh sách người tham gia (`registry.imported`) và danh sách cơ quan (`offices.imported`). Không bao giờ chứa mật khẩu, OTP hay token.")
            .WithParameter("who", "Tên đăng nhập, mã số BHXH hoặc client id (người thực hiện hoặc đối tượng) · User name, code or client id (actor or target)", "lan.tran")
            .WithParameter("limit", "Số dòng mỗi trang (≤ 100) · Page size (≤ 100)", "50")
            .WithParameter("cursor", "`nextCursor` của trang trước · The previous page's `nextCursor`", "1042")
            .ProducesProblems(CommonProblems.Validation);
}
