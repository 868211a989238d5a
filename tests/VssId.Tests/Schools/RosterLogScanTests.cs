using System.Net;
using VssId.Tests.Infrastructure;
using VssId.Tests.Registration;

namespace VssId.Tests.Schools;

/// <summary>
/// A school's roster at Debug — a CSV with a bad row, consent SMS, a wrong and a right code, the masked list and the
/// forms archive — leaves no child's code or name, guardian's code or mobile, or consent code in any log line.
/// </summary>
public sealed class RosterLogScanTests(LoggedFixture fixture) : IClassFixture<LoggedFixture>
{
    [Fact]
    public async Task A_roster_from_csv_to_the_forms_archive_logs_no_personal_data()
    {
        var school = new SchoolClient(fixture.App);
        var token = await school.Token("HN-THCS-030");
        var pupils = Enumerable.Range(0, 3).Select(i => SchoolClient.NewPupil(i)).ToList();
        var bad = SchoolClient.NewPupil(3) with { GuardianPhone = "0000000000" };
        var csv = SchoolClient.EnglishHeader + "\n" + string.Join("\n", pupils.Append(bad).Select(p => p.Csv())) + "\n";
        var results = await SchoolClient.Results(await school.PostCsv(token, "HN-THCS-030", "1A", csv));
        Assert.Equal(3, results.Count(r => r.GetProperty("status").GetString() == "accepted"));

        var codes = new List<string>();
        foreach (var pupil in pupils)
        {
            var code = await school.ConsentCode(pupil.GuardianPhone);
            codes.Add(code);
            await (await school.Confirm(pupil.GuardianPhone, code[..7] + (code[7] == '9' ? '8' : '9'))).AssertProblem(HttpStatusCode.BadRequest, "otp.invalid");
            Assert.Equal(HttpStatusCode.NoContent, (await school.Confirm(pupil.GuardianPhone, code)).StatusCode);
        }
        await school.List(token, "HN-THCS-030", "1A");
        await Eventually.True(async () =>
        {
            var zip = await school.Identity.Send(HttpMethod.Get, "/api/v1/schools/HN-THCS-030/classes/1A/forms.zip", token);
            using var archive = new System.IO.Compression.ZipArchive(new MemoryStream(await zip.Content.ReadAsByteArrayAsync()));
            return archive.Entries.Count == 3;
        }, because: "the three forms are rendered");

        Assert.NotEmpty(fixture.Logs.Lines);
        var secrets = pupils.Append(bad).SelectMany(p => new[] { p.BhxhCode, p.FullName, p.GuardianBhxhCode, p.GuardianPhone }).Concat(codes);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(fixture.Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
        }
    }
}
