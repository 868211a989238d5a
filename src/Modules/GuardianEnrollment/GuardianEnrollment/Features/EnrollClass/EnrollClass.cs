using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Text.Json;
using System.Text.RegularExpressions;
using JasperFx;
using Marten;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Npgsql;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Formats;
using VssId.BuildingBlocks.Http;
using VssId.BuildingBlocks.Marten;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.BuildingBlocks.Security;
using VssId.BuildingBlocks.Time;
using VssId.Modules.Credentials.Contracts;
using VssId.Modules.GuardianEnrollment.Domain;
using VssId.Modules.GuardianEnrollment.ReadModels;
using VssId.Modules.Reference.Contracts;
using VssId.Modules.Registration.Contracts;

namespace VssId.Modules.GuardianEnrollment.Features.EnrollClass;

/// <summary>A roster as JSON: the class and its children (at most 1,000).</summary>
public sealed record RosterRequest(
    [property: Required, RegularExpression(SchoolRules.ClassCodePattern)] string? ClassCode,
    [property: Required, MinLength(1), MaxLength(Roster.MaxRows)] IReadOnlyList<RosterChild>? Children);

/// <summary>The answer for one row: <c>row</c> is the child's position (1-based) in JSON, its line in a CSV file (the header is line 1).</summary>
public sealed record RosterRowResult(
    int Row,
    [property: AllowedValues(SchoolRules.Accepted, SchoolRules.Rejected)] string Status,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] Guid? EnrollmentId,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<CsvRowError>? Errors);

public sealed record RosterResult(IReadOnlyList<RosterRowResult> Results);

public sealed record EnrollClass(string SchoolCode, string? ClassCode, IReadOnlyList<(int Row, RosterChild Child)> Rows, ClaimsPrincipal User, bool English)
    : ICommand<RosterResult>;

/// <summary>
/// A school's roster. Every row is read and judged on its own — its format, then what the database knows (the
/// child's account, an adult application, another live enrolment) — and answered on its own: a bad row never
/// stops the others. An accepted row is an enrolment waiting for the guardian's consent, sent to the office the
/// school's client names. The same roster again creates nothing: a child already in this class answers with its
/// enrolment (and two copies sent at once collide on a unique index; the later one is judged again).
/// </summary>
internal sealed class EnrollClassHandler(IDocumentStore store, NpgsqlDataSource database, ICitizenDirectory citizens, IOpenApplications applications,
    IOfficeCatalog offices, VssId.BuildingBlocks.Privacy.PhoneDigests phones, TimeProvider time) : ICommandHandler<EnrollClass, RosterResult>
{
    public async ValueTask<RosterResult> Handle(EnrollClass command, CancellationToken cancellationToken)
    {
        var school = SchoolRules.School(command.User, command.SchoolCode);
        var classCode = PersonFormats.Text(command.ClassCode);
        if (classCode is null || !SchoolRules.ClassCode().IsMatch(classCode))
        {
            throw new ValidationProblemException([("classCode", GuardianEnrollmentProblems.ClassCodeInvalid)]);
        }
        if (command.Rows.Count == 0)
        {
            throw new ProblemException(GuardianEnrollmentProblems.RosterEmpty);
        }
        if (command.Rows.Count > Roster.MaxRows)
        {
            throw new ProblemException(GuardianEnrollmentProblems.RosterTooLarge);
        }
        var now = time.GetUtcNow();
        var office = offices.FindActive(command.User.Office() ?? "", VietnamTime.DateOf(now))
            ?? throw new ProblemException(GuardianEnrollmentProblems.OfficeClosed);
        var rows = command.Rows.Select(r => Read(r.Row, r.Child, VietnamTime.DateOf(now), command.English)).ToList();
        Flag(rows.Where(r => r.Child is not null).GroupBy(r => r.Child!.BhxhCode).SelectMany(g => g.Skip(1)), "bhxhCode", GuardianEnrollmentProblems.DuplicateChild);

        // A roster sent twice at the same moment: the second commit fails on the class index, and a second look finds the first's rows.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await Enrol(school, classCode, office, rows, now, cancellationToken);
            }
            catch (Exception ex) when (attempt < 3
                && ex.FindPostgresError() is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: EnrollmentIndex.SchoolClassChildIndex })
            {
            }
        }
    }

    private async Task<RosterResult> Enrol(string school, string classCode, OfficeInfo office, List<Row> rows, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var valid = rows.Where(r => r.Errors.Count == 0).ToList();
        var childCodes = valid.Select(r => r.Child!.BhxhCode).ToArray();
        var existing = (await EnrollmentIndex.OfChildren(database, childCodes, cancellationToken)).ToLookup(e => e.ChildBhxhCode);
        var accounts = await citizens.FindByBhxhCodes(childCodes.Concat(valid.Select(r => r.GuardianBhxhCode!)).ToArray(), cancellationToken);
        var adults = await applications.WithOpenSubmission(childCodes, cancellationToken);
        // Every new row sends a consent SMS to its guardian's mobile: no mobile gets more than a guardian may have
        // children waiting, whatever the rosters say (issue 13 item 1: a school cannot bomb a phone).
        var waiting = await EnrollmentIndex.WaitingPerPhone(database, valid.Select(r => phones.Of(Guardian(r, accounts).Phone)).ToArray(), cancellationToken);

        await using var session = store.LightweightSession();
        var results = new List<RosterRowResult>(rows.Count);
        foreach (var row in rows)
        {
            if (row.Errors.Count == 0)
            {
                var child = row.Child!;
                var guardian = Guardian(row, accounts);
                var guardianPhone = phones.Of(guardian.Phone);
                var mine = existing[child.BhxhCode].FirstOrDefault(e => e.SchoolCode == school && e.ClassCode == classCode);
                if (mine is not null)
                {
                    results.Add(new RosterRowResult(row.Line, SchoolRules.Accepted, mine.Id, null));
                    continue;
                }
                if (accounts.ContainsKey(child.BhxhCode))
                {
                    row.Errors.Add("bhxhCode", GuardianEnrollmentProblems.ChildHasAccount.Code, GuardianEnrollmentProblems.ChildHasAccount.Title);
                }
                else if (adults.Contains(child.BhxhCode))
                {
                    row.Errors.Add("bhxhCode", GuardianEnrollmentProblems.ApplicationOpen.Code, GuardianEnrollmentProblems.ApplicationOpen.Title);
                }
                else if (existing[child.BhxhCode].Any(e => e.OpenSubmission))
                {
                    row.Errors.Add("bhxhCode", GuardianEnrollmentProblems.ChildEnrolled.Code, GuardianEnrollmentProblems.ChildEnrolled.Title);
                }
                else if (existing[child.BhxhCode].Any(e => e.SchoolCode is not null && e.Status == EnrollmentStatus.AwaitingGuardianConsent))
                {
                    row.Errors.Add("bhxhCode", GuardianEnrollmentProblems.ChildInAnotherClass.Code, GuardianEnrollmentProblems.ChildInAnotherClass.Message);
                }
                else if (waiting.GetValueOrDefault(guardianPhone) >= Enrollment.MaxChildrenPerGuardian)
                {
                    row.Errors.Add("guardianPhone", GuardianEnrollmentProblems.GuardianPhoneTooMany.Code, GuardianEnrollmentProblems.GuardianPhoneTooMany.Message);
                }
                else
                {
                    var id = Guid.CreateVersion7();
                    waiting[guardianPhone] = waiting.GetValueOrDefault(guardianPhone) + 1;
                    session.Events.StartStream<Enrollment>(id, new EnrollmentStarted(id, child, guardian, row.Relationship!,
                        Address(row, accounts, office), office.Code, EnrollmentOrigins.School, now, new SchoolClass(school, classCode)));
                    results.Add(new RosterRowResult(row.Line, SchoolRules.Accepted, id, null));
                    continue;
                }
            }
            results.Add(new RosterRowResult(row.Line, SchoolRules.Rejected, null, row.Errors.For(row.Line).Errors));
        }
        await session.SaveChangesAsync(cancellationToken);
        return new RosterResult(results);
    }

    // A guardian with an account is who their account says, reached at its verified mobile; one without is the
    // school's word: the code and the mobile of the row, name and CCCD written by hand on the signed form.
    private static Guardian Guardian(Row row, IReadOnlyDictionary<string, CitizenAccountV1> accounts) =>
        accounts.TryGetValue(row.GuardianBhxhCode!, out var a)
            ? new Guardian(a.AccountId, a.BhxhCode, a.FullName, a.IdentityNumber ?? "", a.Phone is { Length: > 0 } phone ? phone : row.GuardianPhone!, a.Email)
            : new Guardian(Guid.Empty, row.GuardianBhxhCode!, "", "", row.GuardianPhone!, null);

    private static ContactAddress Address(Row row, IReadOnlyDictionary<string, CitizenAccountV1> accounts, OfficeInfo office) =>
        accounts.TryGetValue(row.GuardianBhxhCode!, out var a) && a.AddressLine is { Length: > 0 } line
            ? new ContactAddress(line, a.ProvinceName ?? "", true)
            : new ContactAddress("", "", true);

    private sealed record Row(int Line, Child? Child, string? GuardianBhxhCode, string? GuardianPhone, string? Relationship, CsvImport.RowErrors Errors);

    private static Row Read(int line, RosterChild input, DateOnly today, bool english)
    {
        var errors = new CsvImport.RowErrors(english);
        void Fail(string field, FieldError error) => errors.Add(field, error.Code, error.Message);
        var code = PersonFormats.BhxhCode(input.BhxhCode);
        if (code is null)
        {
            Fail("bhxhCode", PersonFieldErrors.BhxhCodeInvalid);
        }
        var name = PersonFormats.FullName(input.FullName);
        if (name is null)
        {
            Fail("fullName", PersonFieldErrors.FullNameInvalid);
        }
        var dateOfBirth = Roster.Date(input.DateOfBirth);
        if (dateOfBirth is not { } dob || dob.Year < 1900 || dob > today)
        {
            Fail("dateOfBirth", PersonFieldErrors.DateOfBirthInvalid);
        }
        else if (Enrollment.AgeOn(dob, today) >= Enrollment.AdultAge)
        {
            Fail("dateOfBirth", GuardianEnrollmentProblems.ChildAdult);
        }
        var gender = Roster.Gender(input.Gender);
        if (gender is null)
        {
            Fail("gender", PersonFieldErrors.GenderInvalid);
        }
        var guardianCode = PersonFormats.BhxhCode(input.GuardianBhxhCode);
        if (guardianCode is null)
        {
            Fail("guardianBhxhCode", GuardianEnrollmentProblems.GuardianBhxhCodeInvalid);
        }
        else if (guardianCode == code)
        {
            Fail("guardianBhxhCode", GuardianEnrollmentProblems.GuardianIsChild);
        }
        var phone = PersonFormats.Mobile(input.GuardianPhone);
        if (phone is null)
        {
            Fail("guardianPhone", GuardianEnrollmentProblems.GuardianPhoneInvalid);
        }
        var relationship = Roster.Relationship(input.Relationship);
        if (relationship is null)
        {
            Fail("relationship", GuardianEnrollmentProblems.RelationshipInvalid);
        }
        var child = errors.Count == 0 ? new Child(code!, name!, dateOfBirth!.Value, gender!) : null;
        return new Row(line, child, guardianCode, phone, relationship, errors);
    }

    private static void Flag(IEnumerable<Row> rows, string field, FieldError error)
    {
        foreach (var row in rows)
        {
            row.Errors.Add(field, error.Code, error.Message);
        }
    }
}

internal sealed class EnrollClassEndpoint : IEndpoint
{
    // 1,000 rows of a roster are about 120 KB; room for long names and quoting.
    private const int MaxChars = 512 * 1024;

    public void Map(IEndpointRouteBuilder group) =>
        group.MapPost("v1/schools/{schoolCode}/enrollments", async (string schoolCode, HttpRequest request, ClaimsPrincipal user, ISender sender,
                IOptions<JsonOptions> json, CancellationToken ct, string? classCode = null) =>
            {
                // The school is checked before the body is read: another school's route costs nothing.
                SchoolRules.School(user, schoolCode);
                var english = CsvBody.English(request);
                if (request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true)
                {
                    var roster = await JsonSerializer.DeserializeAsync<RosterRequest>(request.Body, json.Value.SerializerOptions, ct)
                        ?? throw new ProblemException(CommonProblems.Validation);
                    var children = roster.Children ?? [];
                    return TypedResults.Ok(await sender.Send(new EnrollClass(schoolCode, roster.ClassCode,
                        children.Select((c, i) => (i + 1, c ?? new RosterChild(null, null, null, null, null, null, null))).ToList(), user, english), ct));
                }
                var csv = await CsvBody.Read(request, MaxChars, ct);
                return TypedResults.Ok(await sender.Send(new EnrollClass(schoolCode, classCode, Roster.FromCsv(csv), user, english), ct));
            })
            .WithName("EnrollClass")
            .WithBodyLimit(MaxChars * 2L)
            .WithTags(SchoolRules.Tag)
            .RequireAccess(AccessPolicies.SchoolClient)
            .WithSummary("Gửi danh sách lớp · Send a class roster")
            .WithDescription("JSON `{classCode, children:[…]}` hoặc `text/csv` với `?classCode=` (UTF-8, có hoặc không BOM; dấu phẩy hoặc chấm phẩy; "
                + "tiêu đề tiếng Anh `bhxhCode,fullName,dateOfBirth,gender,guardianBhxhCode,guardianPhone,relationship` hoặc tiếng Việt "
                + "`Mã số BHXH;Họ và tên;Ngày sinh;Giới tính;Mã số BHXH người giám hộ;Số điện thoại người giám hộ;Quan hệ`), tối đa 1.000 trẻ. "
                + "Ngày `yyyy-MM-dd` hoặc `dd/MM/yyyy`; quan hệ `father|mother|guardian` (CSV cũng nhận `cha|mẹ|người giám hộ`). "
                + "Mỗi dòng được xét và trả lời riêng (`accepted` kèm `enrollmentId`, hoặc `rejected` kèm `errors`); dòng được nhận là hồ sơ chờ người giám hộ đồng ý "
                + "(một SMS có mã xác nhận cho mỗi trẻ). Gửi lại cùng danh sách (cùng `Idempotency-Key`, hoặc cùng trẻ và lớp) không tạo gì mới. "
                + "`row`: thứ tự trong JSON (từ 1), số dòng trong tệp CSV (dòng tiêu đề là 1).")
            .Accepts<RosterRequest>("application/json", "text/csv")
            .WithParameter("classCode", "Mã lớp (chỉ cho text/csv) · Class code (text/csv only)", "6A1")
            .Produces<RosterResult>(StatusCodes.Status200OK)
            .ProducesProblems(CommonProblems.Validation, CommonProblems.NotFound, GuardianEnrollmentProblems.RosterHeaderInvalid,
                GuardianEnrollmentProblems.RosterEmpty, GuardianEnrollmentProblems.RosterTooLarge, GuardianEnrollmentProblems.OfficeClosed,
                CommonProblems.TooLarge, CommonProblems.UnsupportedMediaType)
            .WithCsvRequestExample("""
                Mã số BHXH;Họ và tên;Ngày sinh;Giới tính;Mã số BHXH người giám hộ;Số điện thoại người giám hộ;Quan hệ
                0116004321;Nguyễn Minh Khôi;05/09/2014;Nam;0120169001;0912345678;cha
                0116004322;Trần Thị Ngọc Ánh;12/03/2014;Nữ;0120169002;0987654321;mẹ

                """)
            .WithRequestExample(new RosterRequest("6A1", [new RosterChild("0116004321", "Nguyễn Minh Khôi", "2014-09-05", "Nam", "0120169001", "0912345678", "father")]))
            .WithResponseExample(StatusCodes.Status200OK, new RosterResult([
                new RosterRowResult(1, SchoolRules.Accepted, Guid.Parse("0193a6b2-8d4e-7f10-a2b3-c4d5e6f70812"), null),
                new RosterRowResult(2, SchoolRules.Rejected, null, [new CsvRowError("dateOfBirth", "registration.date_of_birth_invalid", "Ngày sinh không hợp lệ.")]),
            ]));
}
