using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using VssId.Tests.GuardianEnrollment;
using VssId.Tests.Infrastructure;
using VssId.Tests.Notifications;

namespace VssId.Tests.Schools;

/// <summary>
/// Rosters as spreadsheets in Vietnam export them (BOM, semicolons, Vietnamese headers, dd/MM/yyyy, quoted cells) and
/// as JSON; every row answered on its own; a roster sent again creates nothing and sends no second SMS.
/// </summary>
public sealed class RosterTests(VssIdFixture fixture) : IClassFixture<VssIdFixture>
{
    private const string School = "HN-TH-002";
    private readonly SchoolClient _school = new(fixture.App);

    [Fact]
    public async Task A_spreadsheet_export_with_bom_semicolons_vietnamese_headers_and_quotes_is_read_cell_by_cell()
    {
        var token = await _school.Token(School);
        var a = SchoolClient.NewPupil(0);
        var b = SchoolClient.NewPupil(1);
        var c = SchoolClient.NewPupil(2);
        var d = SchoolClient.NewPupil(3);
        var e = SchoolClient.NewPupil(4);
        var csv = new StringBuilder(SchoolClient.VietnameseHeader).Append("\r\n")
            // dd/MM/yyyy, "mẹ", quoted cells, a mobile written +84 with spaces.
            .Append($"{a.BhxhCode};\"{a.FullName}\";05/09/2014;Nam;{a.GuardianBhxhCode};\"+84 {a.GuardianPhone[1..]}\";mẹ\r\n")
            // A quoted cell holding the separator stays one cell: only the name is wrong, every other column is read.
            .Append($"{b.BhxhCode};\"Trần; Thị Ánh\";2014-09-05;nữ;{b.GuardianBhxhCode};{b.GuardianPhone};người giám hộ\r\n")
            // A formula is data: refused as a name, never evaluated, never stored.
            .Append($"{c.BhxhCode};\"=HYPERLINK(\"\"http://evil.example/\"\";\"\"Khôi\"\")\";2014-09-05;Nam;{c.GuardianBhxhCode};{c.GuardianPhone};Cha\r\n")
            .Append($"{d.BhxhCode};{d.FullName};5/9/2014;Nữ;{d.GuardianBhxhCode};{d.GuardianPhone};cha\r\n")
            // The same child twice in one file.
            .Append($"{d.BhxhCode};{d.FullName};5/9/2014;Nữ;{e.GuardianBhxhCode};{e.GuardianPhone};mẹ\r\n")
            .Append("\r\n");

        var results = await SchoolClient.Results(await _school.PostCsv(token, School, "5B", csv.ToString(), bom: true));
        Assert.Equal([2, 3, 4, 5, 6], results.Select(r => r.GetProperty("row").GetInt32()));
        Assert.Equal(["accepted", "rejected", "rejected", "accepted", "rejected"], results.Select(r => r.GetProperty("status").GetString()));
        Assert.Equal(["fullName"], Fields(results[1]));
        Assert.Equal(["fullName"], Fields(results[2]));
        Assert.Equal(["bhxhCode"], Fields(results[4]));
        Assert.Equal("school.duplicate_child", results[4].GetProperty("errors")[0].GetProperty("code").GetString());

        var list = (await _school.List(token, School, "5B")).GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(2, list.Length);
        var first = list.Single(i => i.GetProperty("childFullName").GetString() == a.FullName);
        Assert.Equal("mother", first.GetProperty("relationship").GetString());
        Assert.Equal("2014-09-05", first.GetProperty("childDateOfBirth").GetString());
        Assert.Equal("father", list.Single(i => i.GetProperty("id").GetGuid() == results[3].GetProperty("enrollmentId").GetGuid()).GetProperty("relationship").GetString());
        Assert.Equal(0, await NotificationsDb.Count(fixture.ConnectionString, "SELECT count(*) FROM enrollment.enrollment_index WHERE child_full_name LIKE '%HYPERLINK%'"));
        Assert.Equal(0, await NotificationsDb.Count(fixture.ConnectionString, "SELECT count(*) FROM events.mt_events WHERE data::text LIKE '%HYPERLINK%'"));
        // The mobile written "+84 …" is the guardian's mobile the SMS reaches.
        Assert.Matches("^[0-9]{8}$", await _school.ConsentCode(a.GuardianPhone));
    }

    [Fact]
    public async Task The_same_roster_sent_again_creates_nothing_and_sends_no_second_sms_with_or_without_a_key()
    {
        var token = await _school.Token(School);
        var pupils = Enumerable.Range(0, 3).Select(i => SchoolClient.NewPupil(i)).ToList();
        var csv = SchoolClient.EnglishHeader + "\n" + string.Join("\n", pupils.Select(p => p.Csv())) + "\n";

        var first = await _school.PostCsv(token, School, "7C", csv, idempotencyKey: "roster-7c-2026");
        var firstBody = await first.Content.ReadAsStringAsync();
        var replay = await _school.PostCsv(token, School, "7C", csv, idempotencyKey: "roster-7c-2026");
        Assert.Equal(firstBody, await replay.Content.ReadAsStringAsync());
        // Without the key (or from a new token): the same child in the same class answers with its enrolment.
        var again = await SchoolClient.Results(await _school.PostCsv(token, School, "7C", csv));
        var firstIds = JsonDocument.Parse(firstBody).RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("enrollmentId").GetGuid());
        Assert.Equal(firstIds, again.Select(r => r.GetProperty("enrollmentId").GetGuid()));
        // As JSON, with the dates written the other way: still the same enrolments.
        var json = await SchoolClient.Results(await _school.PostJson(token, School, new
        {
            classCode = "7C",
            children = pupils.Select(p => new { p.BhxhCode, p.FullName, dateOfBirth = "05/09/2014", p.Gender, p.GuardianBhxhCode, p.GuardianPhone, p.Relationship }),
        }));
        Assert.Equal(firstIds, json.Select(r => r.GetProperty("enrollmentId").GetGuid()));
        Assert.Equal([1, 2, 3], json.Select(r => r.GetProperty("row").GetInt32()));

        foreach (var pupil in pupils)
        {
            await _school.ConsentCode(pupil.GuardianPhone);
        }
        // Give the relay time to (wrongly) deliver anything more, then count.
        await Task.Delay(TimeSpan.FromSeconds(2));
        foreach (var pupil in pupils)
        {
            Assert.Equal(1, await NotificationsDb.Count(fixture.ConnectionString,
                "SELECT count(*) FROM notifications.messages WHERE template = 'enrollment_consent' AND to_key = $1", NotificationsDb.Recipient(pupil.GuardianPhone)));
        }
        Assert.Equal(3, await NotificationsDb.Count(fixture.ConnectionString, "SELECT count(*) FROM enrollment.enrollment_index WHERE school_code = $1 AND class_code = '7C'", School));
    }

    // Issue 13 item 1 applied to schools: a roster cannot bomb one mobile with consent SMS.
    [Fact]
    public async Task One_mobile_gets_at_most_ten_consent_sms_however_many_rows_name_it()
    {
        var token = await _school.Token(School);
        var victim = VssId.Tests.Registration.RegistrationClient.NewPhone();
        var first = Enumerable.Range(0, 8).Select(i => SchoolClient.NewPupil(i, guardianPhone: victim)).ToList();
        var second = Enumerable.Range(0, 4).Select(i => SchoolClient.NewPupil(i, guardianPhone: victim)).ToList();
        Assert.All(await SchoolClient.Results(await _school.PostJson(token, School, new { classCode = "4X", children = first })),
            r => Assert.Equal("accepted", r.GetProperty("status").GetString()));
        var results = await SchoolClient.Results(await _school.PostJson(token, School, new { classCode = "4Y", children = second }));
        Assert.Equal(["accepted", "accepted", "rejected", "rejected"], results.Select(r => r.GetProperty("status").GetString()));
        Assert.Equal("school.guardian_phone_too_many", results[2].GetProperty("errors")[0].GetProperty("code").GetString());
        await Eventually.True(async () => await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM notifications.messages WHERE template = 'enrollment_consent' AND to_key = $1", NotificationsDb.Recipient(victim)) == 10, because: "ten consent SMS are sent");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(10, await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM notifications.messages WHERE template = 'enrollment_consent' AND to_key = $1", NotificationsDb.Recipient(victim)));
    }

    [Fact]
    public async Task A_child_the_database_already_knows_is_refused_in_its_row_only()
    {
        var token = await _school.Token(School);
        var enrolments = new EnrollmentClient(fixture.App);
        var guardian = await enrolments.Guardian();
        var enrolledByGuardian = (await enrolments.Submitted(guardian.Token, VssId.Tests.Registration.RegistrationClient.NewCode()));
        var enrolledCode = (await enrolments.Get(guardian.Token, enrolledByGuardian.Id)).GetProperty("child").GetProperty("bhxhCode").GetString()!;
        var inOtherClass = SchoolClient.NewPupil(1);
        await SchoolClient.Results(await _school.PostJson(token, School, new { classCode = "8D", children = new[] { inOtherClass } }));
        var adult = SchoolClient.NewPupil(2) with { DateOfBirth = "2000-01-01" };
        var ok = SchoolClient.NewPupil(3);

        var results = await SchoolClient.Results(await _school.PostJson(token, School, new
        {
            classCode = "8E",
            children = new[] { SchoolClient.NewPupil(0) with { BhxhCode = enrolledCode }, inOtherClass, adult, ok,
                SchoolClient.NewPupil(4) with { BhxhCode = guardian.BhxhCode } },
        }));
        Assert.Equal(["enrollment.child_enrolled", "school.child_in_another_enrollment", "enrollment.child_adult", null, "enrollment.child_has_account"],
            results.Select(r => r.TryGetProperty("errors", out var errors) ? errors[0].GetProperty("code").GetString() : null));
    }

    [Fact]
    public async Task A_roster_the_service_cannot_read_is_a_problem_and_stores_nothing()
    {
        var token = await _school.Token(School);
        var pupil = SchoolClient.NewPupil();
        await (await _school.PostCsv(token, School, "9A", "code,name\n1,2\n")).AssertProblem(HttpStatusCode.BadRequest, "school.roster_header_invalid");
        await (await _school.PostCsv(token, School, "9A", SchoolClient.EnglishHeader + "\n")).AssertProblem(HttpStatusCode.BadRequest, "school.roster_empty");
        await (await _school.PostCsv(token, School, "<script>", SchoolClient.EnglishHeader + "\n" + pupil.Csv())).AssertProblem(HttpStatusCode.BadRequest, "request.validation_failed");
        var tooMany = SchoolClient.EnglishHeader + "\n" + string.Join("\n", Enumerable.Range(0, 1001).Select(i => SchoolClient.NewPupil(i).Csv()));
        await (await _school.PostCsv(token, School, "9A", tooMany)).AssertProblem(HttpStatusCode.RequestEntityTooLarge, "school.too_many_rows");
        var plain = await _school.Identity.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/v1/schools/{School}/enrollments?classCode=9A", UriKind.Relative))
        {
            Content = new StringContent(pupil.Csv(), Encoding.UTF8, "text/plain"),
            Headers = { Authorization = new("Bearer", token) },
        });
        await plain.AssertProblem(HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");
        await (await _school.PostJson(token, School, new { classCode = "9A", children = Array.Empty<object>() })).AssertProblem(HttpStatusCode.BadRequest, "school.roster_empty");
        Assert.Equal(0, await NotificationsDb.Count(fixture.ConnectionString, "SELECT count(*) FROM enrollment.enrollment_index WHERE class_code IN ('9A', '<script>')"));
    }

    private static string[] Fields(JsonElement result) =>
        result.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()!).ToArray();
}
