using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using UglyToad.PdfPig;
using VssId.Tests.GuardianEnrollment;
using VssId.Tests.Infrastructure;

namespace VssId.Tests.Schools;

/// <summary>
/// Acceptance C over HTTP: an administrator creates the client of school HN-THCS-001; it posts a CSV of 30 rows,
/// 3 of them invalid (27 accepted, 3 rejected with row errors); every guardian gets a consent SMS and consents — one
/// in their account, the others with the code — and each enrolment is Submitted; the class list shows statuses
/// with codes and mobiles masked; forms.zip holds one PDF per submitted enrolment; signed forms are recorded.
/// </summary>
public sealed class AcceptanceScenarioC(VssIdFixture fixture) : IClassFixture<VssIdFixture>
{
    private const string School = "HN-THCS-001";
    private const string Class = "6A1";
    private readonly SchoolClient _school = new(fixture.App);

    [Fact]
    public async Task C1_to_C4_a_class_roster_is_answered_per_row_consented_submitted_listed_masked_and_its_forms_zipped()
    {
        var token = await _school.Token(School);
        // One guardian has a VssID account (and consents in it); the others have none.
        var guardian = await new EnrollmentClient(fixture.App).Guardian();
        var pupils = Enumerable.Range(0, 30).Select(i => SchoolClient.NewPupil(i)).ToList();
        pupils[0] = pupils[0] with { GuardianBhxhCode = guardian.BhxhCode, GuardianPhone = guardian.Phone };
        var csv = new StringBuilder(SchoolClient.EnglishHeader).Append('\n');
        for (var i = 0; i < pupils.Count; i++)
        {
            var line = pupils[i].Csv();
            line = i switch
            {
                7 => (pupils[i] with { DateOfBirth = "30/02/2016" }).Csv(),
                15 => (pupils[i] with { GuardianPhone = "12345" }).Csv(),
                23 => (pupils[i] with { Relationship = "uncle" }).Csv(),
                _ => line,
            };
            csv.Append(line).Append('\n');
        }

        var results = await SchoolClient.Results(await _school.PostCsv(token, School, Class, csv.ToString()));
        Assert.Equal(30, results.Length);
        Assert.Equal(27, results.Count(r => r.GetProperty("status").GetString() == "accepted"));
        var rejected = results.Where(r => r.GetProperty("status").GetString() == "rejected").ToArray();
        // Lines in the file: the header is line 1, pupil i is line i + 2.
        Assert.Equal([9, 17, 25], rejected.Select(r => r.GetProperty("row").GetInt32()));
        Assert.Equal(["dateOfBirth", "guardianPhone", "relationship"],
            rejected.Select(r => r.GetProperty("errors").EnumerateArray().Single().GetProperty("field").GetString()));
        var ids = results.Where(r => r.GetProperty("status").GetString() == "accepted").Select(r => r.GetProperty("enrollmentId").GetGuid()).ToList();

        var waiting = await _school.List(token, School, Class, "AwaitingGuardianConsent");
        Assert.Equal(27, waiting.GetProperty("items").GetArrayLength());

        // C3: one consent SMS per accepted child; the account holder consents in the app, the others with the code.
        var accepted = pupils.Where((_, i) => i is not (7 or 15 or 23)).ToList();
        var inApp = await _school.Identity.Send(HttpMethod.Post, $"/api/v1/me/children/{ids[0]}/consent", guardian.Token);
        Assert.Equal(HttpStatusCode.Accepted, inApp.StatusCode);
        var mine = await (await _school.Identity.Send(HttpMethod.Get, "/api/v1/me/children", guardian.Token)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(mine.GetProperty("items").EnumerateArray(), e => e.GetProperty("id").GetGuid() == ids[0] && e.GetProperty("status").GetString() == "Submitted");
        foreach (var pupil in accepted.Skip(1))
        {
            var code = await _school.ConsentCode(pupil.GuardianPhone);
            var confirmed = await _school.Confirm(pupil.GuardianPhone, code);
            Assert.True(confirmed.StatusCode == HttpStatusCode.NoContent, $"confirm: {(int)confirmed.StatusCode} {await confirmed.Content.ReadAsStringAsync()}");
        }
        // The code is spent with the consent.
        var again = await _school.Confirm(accepted[1].GuardianPhone, await _school.ConsentCode(accepted[1].GuardianPhone));
        await again.AssertProblem(HttpStatusCode.BadRequest, "otp.invalid");

        // C4: the class list — every enrolment Submitted, codes and mobiles masked.
        var list = await _school.List(token, School, Class);
        var items = list.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(27, items.Length);
        Assert.All(items, i => Assert.Equal("Submitted", i.GetProperty("status").GetString()));
        var raw = list.GetRawText();
        Assert.All(accepted, p =>
        {
            Assert.DoesNotContain(p.BhxhCode, raw, StringComparison.Ordinal);
            Assert.DoesNotContain(p.GuardianBhxhCode, raw, StringComparison.Ordinal);
            Assert.DoesNotContain(p.GuardianPhone, raw, StringComparison.Ordinal);
        });
        Assert.DoesNotContain(EnrollmentClient.GuardianCccd, raw, StringComparison.Ordinal);
        Assert.Matches("^[0-9]{3}[*]{4}[0-9]{3}$", items[0].GetProperty("guardianPhone").GetString()!);

        // forms.zip: one PDF per submitted enrolment, once every form is rendered.
        ZipArchive? zip = null;
        await Eventually.True(async () =>
        {
            var response = await _school.Identity.Send(HttpMethod.Get, $"/api/v1/schools/{School}/classes/{Class}/forms.zip", token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/zip", response.Content.Headers.ContentType!.MediaType);
            zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
            return zip.Entries.Count == 27;
        }, because: "the 27 forms are rendered");
        Assert.All(zip!.Entries, e => Assert.Matches("^6A1_[0-9]{2}_[A-Za-z_]+\\.pdf$", e.FullName));
        Assert.Contains(zip.Entries, e => e.FullName.EndsWith("_Tran_Thi_Ngoc_Anh.pdf", StringComparison.Ordinal));
        await using (var first = await zip.Entries[0].OpenAsync())
        {
            var pdf = new MemoryStream();
            await first.CopyToAsync(pdf);
            using var document = PdfDocument.Open(pdf.ToArray());
            var text = string.Concat(document.GetPages().Select(p => p.Text)).Replace(" ", "", StringComparison.Ordinal).Normalize(NormalizationForm.FormC);
            Assert.Contains(accepted, p => text.Contains(p.FullName.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant(), StringComparison.Ordinal)
                || text.Contains(p.FullName.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal));
        }

        // The homeroom teacher records two signed forms (one twice): the class figures count them.
        foreach (var id in new[] { ids[0], ids[1], ids[1] })
        {
            Assert.Equal(HttpStatusCode.NoContent,
                (await _school.Identity.Send(HttpMethod.Post, $"/api/v1/schools/{School}/enrollments/{id}/form-received", token)).StatusCode);
        }
        var figures = await (await _school.Identity.Send(HttpMethod.Get, $"/api/v1/schools/{School}/classes", token)).Content.ReadFromJsonAsync<JsonElement>();
        var klass = figures.GetProperty("classes").EnumerateArray().Single(c => c.GetProperty("classCode").GetString() == Class);
        Assert.Equal(27, klass.GetProperty("total").GetInt32());
        Assert.Equal(27, klass.GetProperty("byStatus").GetProperty("Submitted").GetInt32());
        Assert.Equal(2, klass.GetProperty("formsReceived").GetInt32());
    }
}
