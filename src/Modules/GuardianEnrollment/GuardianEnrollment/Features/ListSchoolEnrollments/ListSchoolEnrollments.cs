using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using VssId.BuildingBlocks.Audit;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Formats;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.BuildingBlocks.Security;
using VssId.Modules.GuardianEnrollment.Domain;
using VssId.Modules.GuardianEnrollment.Features;
using VssId.Modules.GuardianEnrollment.ReadModels;

namespace VssId.Modules.GuardianEnrollment.Features.ListSchoolEnrollments;

/// <summary>
/// A row of the class list: codes and mobile masked (a school never sees them in full; it sent them and has them). An erased
/// child's name reads "" and birth date null; an erased guardian's mobile reads "".
/// </summary>
public sealed record SchoolEnrollmentItem(
    Guid Id,
    string ClassCode,
    [property: RegularExpression(ContractFormats.MaskedNumber)] string ChildBhxhCode,
    string ChildFullName,
    DateOnly? ChildDateOfBirth,
    [property: AllowedValues(Relationships.Father, Relationships.Mother, Relationships.Guardian)] string Relationship,
    [property: RegularExpression(ContractFormats.MaskedNumber)] string GuardianBhxhCode,
    [property: RegularExpression(ContractFormats.ErasableMaskedPhone)] string GuardianPhone,
    [property: AllowedValues(EnrollmentStatus.AwaitingGuardianConsent, EnrollmentStatus.Submitted, EnrollmentStatus.UnderReview,
        EnrollmentStatus.Approved, EnrollmentStatus.Rejected, EnrollmentStatus.NeedsInformation, EnrollmentStatus.Expired)] string Status,
    string? ApplicationNumber,
    DateTimeOffset StartedAt,
    DateTimeOffset? FormReceivedAt);

public sealed record SchoolEnrollmentPage(IReadOnlyList<SchoolEnrollmentItem> Items, string? NextCursor);

public sealed record ListSchoolEnrollments(ClaimsPrincipal User, string SchoolCode, string? ClassCode, string? Status, int? Limit, string? Cursor)
    : IQuery<SchoolEnrollmentPage>;

/// <summary>The school's enrolments by class and child's name (keyset-paged), filtered by class and status.</summary>
internal sealed class ListSchoolEnrollmentsHandler(NpgsqlDataSource database, TimeProvider time) : IQueryHandler<ListSchoolEnrollments, SchoolEnrollmentPage>
{
    public async ValueTask<SchoolEnrollmentPage> Handle(ListSchoolEnrollments query, CancellationToken cancellationToken)
    {
        var school = SchoolRules.School(query.User, query.SchoolCode);
        var errors = new FieldErrors();
        Guid? after = null;
        if (query.Cursor is { Length: > 0 } cursor)
        {
            if (Guid.TryParseExact(cursor, "N", out var id))
            {
                after = id;
            }
            else
            {
                errors.Add("cursor", CommonProblems.CursorInvalid);
            }
        }
        var classCode = PersonFormats.Text(query.ClassCode) is { Length: > 0 } c ? c : null;
        if (classCode is not null && !SchoolRules.ClassCode().IsMatch(classCode))
        {
            errors.Add("classCode", GuardianEnrollmentProblems.ClassCodeInvalid);
        }
        var status = PersonFormats.Text(query.Status) is { Length: > 0 } s ? s : null;
        if (status is not null && !EnrollmentStatus.All.Contains(status))
        {
            errors.Add("status", StatusInvalid);
        }
        errors.ThrowIfAny();
        var limit = Math.Clamp(query.Limit ?? 50, 1, 200);
        var rows = await EnrollmentIndex.OfSchool(database, school, classCode, status, after, limit + 1, cancellationToken);
        // Masked, but names, birth dates and the link between a child and a guardian are personal data: the page is recorded.
        await PersonalDataReads.Record(database, time.GetUtcNow(),
            SchoolRules.Reads(query.User, school, "school-list", classCode, rows.Take(limit).SelectMany(r => new[] { r.ChildBhxhCode, r.GuardianBhxhCode })),
            cancellationToken);
        var items = rows.Take(limit).Select(r => new SchoolEnrollmentItem(r.Id, r.ClassCode, Masking.Middle(r.ChildBhxhCode), r.ChildFullName, r.ChildDateOfBirth,
            r.Relationship, Masking.Middle(r.GuardianBhxhCode), r.GuardianPhone, r.Status, r.ApplicationNumber, r.StartedAt, r.FormReceivedAt)).ToList();
        return new SchoolEnrollmentPage(items, rows.Count > limit ? items[^1].Id.ToString("N") : null);
    }

    private static readonly FieldError StatusInvalid = new("school.status_invalid",
        new("Trạng thái là một trong: " + string.Join(", ", EnrollmentStatus.All) + ".", "The status is one of: " + string.Join(", ", EnrollmentStatus.All) + "."));
}

internal sealed class ListSchoolEnrollmentsEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapGet("v1/schools/{schoolCode}/enrollments", async (string schoolCode, ClaimsPrincipal user, ISender sender, CancellationToken ct,
                string? classCode = null, string? status = null, int? limit = null, string? cursor = null) =>
                TypedResults.Ok(await sender.Send(new ListSchoolEnrollments(user, schoolCode, classCode, status, limit, cursor), ct)))
            .WithName("ListSchoolEnrollments")
            .WithTags(SchoolRules.Tag)
            .RequireAccess(AccessPolicies.SchoolClient)
            .WithSummary("Danh sách hồ sơ của trường · The school's enrolments")
            .WithDescription("Theo lớp rồi họ tên; lọc theo `classCode` và `status`. Mã số BHXH và số điện thoại được che (nhà trường không bao giờ thấy đầy đủ). "
                + "`limit` ≤ 200 (mặc định 50), `cursor` từ `nextCursor`. Trường khác: 404. "
                + "Dữ liệu cá nhân đã bị xoá: họ tên trẻ và số điện thoại là chuỗi rỗng, ngày sinh `null` · erased: child's name and mobile \"\", birth date null.")
            .WithParameter("classCode", "Mã lớp · Class code", "6A1")
            .WithParameter("status", "Trạng thái · Status", EnrollmentStatus.AwaitingGuardianConsent, EnrollmentStatus.All.ToArray(), enumName: "EnrollmentStatus")
            .WithParameter("limit", "Số hồ sơ mỗi trang (1–200) · Page size", "50")
            .WithParameter("cursor", "Con trỏ trang tiếp theo · Next-page cursor", "0193a6b28d4e7f10a2b3c4d5e6f70812")
            .Produces<SchoolEnrollmentPage>(StatusCodes.Status200OK)
            .ProducesProblems(CommonProblems.Validation, CommonProblems.NotFound)
            .WithResponseExample(StatusCodes.Status200OK, new SchoolEnrollmentPage([new SchoolEnrollmentItem(Guid.Parse("0193a6b2-8d4e-7f10-a2b3-c4d5e6f70812"),
                "6A1", "011****321", "Nguyễn Minh Khôi", new DateOnly(2014, 9, 5), Relationships.Father, "012****001", "091****678", EnrollmentStatus.Submitted,
                "00131-20261202-TE000042", new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero), null)], null));
}
