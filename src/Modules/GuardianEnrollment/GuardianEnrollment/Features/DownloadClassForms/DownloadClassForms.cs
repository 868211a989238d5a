using System.Globalization;
using System.IO.Compression;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.BuildingBlocks.Security;
using VssId.Modules.GuardianEnrollment.Features.EnrollClass;
using VssId.Modules.GuardianEnrollment.Features.GetEnrollmentForm;
using VssId.Modules.GuardianEnrollment.ReadModels;
using VssId.Modules.Notifications.Contracts;

namespace VssId.Modules.GuardianEnrollment.Features.DownloadClassForms;

/// <summary>
/// Every rendered Mẫu 01 of a class in one ZIP, streamed: each PDF is read, written as an entry and let go
/// before the next, so the archive is never held in memory and the first bytes leave at once. Entries are
/// stored, not deflated (a PDF is compressed already). A form whose job has not finished yet is left out
/// (the school downloads again later); names are the class, the position and the child's name in ASCII.
/// </summary>
internal sealed class DownloadClassFormsEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapGet("v1/schools/{schoolCode}/classes/{classCode}/forms.zip", async (string schoolCode, string classCode, ClaimsPrincipal user,
                HttpResponse response, NpgsqlDataSource database, IDeclarationForms forms, CancellationToken ct) =>
            {
                var school = SchoolRules.School(user, schoolCode);
                var enrolled = (SchoolRules.ClassCode().IsMatch(classCode) ? await EnrollmentIndex.FormsOfClass(database, school, classCode, ct) : null)
                    ?? throw new ProblemException(GuardianEnrollmentProblems.ClassUnknown);
                response.ContentType = "application/zip";
                response.Headers.ContentDisposition = $"attachment; filename=\"mau-01-{Ascii(classCode)}.zip\"";
                response.Headers.CacheControl = "no-store";
                await response.StartAsync(ct);
                var stream = response.BodyWriter.AsStream();
                await using (var zip = await ZipArchive.CreateAsync(stream, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, ct))
                {
                    var position = 0;
                    foreach (var (id, name, number) in enrolled)
                    {
                        position++;
                        var form = await forms.Get(EnrollmentForms.DocumentId(id, number), ct);
                        if (form.Pdf is not { } pdf)
                        {
                            continue;
                        }
                        var entry = zip.CreateEntry(FileName(classCode, position, name), CompressionLevel.NoCompression);
                        await using (var content = await entry.OpenAsync(ct))
                        {
                            await content.WriteAsync(pdf, ct);
                        }
                        await stream.FlushAsync(ct);
                    }
                }
                return Results.Empty;
            })
            .WithName("DownloadClassForms")
            .WithTags(SchoolRules.Tag)
            .RequireAccess(AccessPolicies.SchoolClient)
            .WithSummary("Tải tờ khai Mẫu 01 của cả lớp (ZIP) · Download the class's Mẫu 01 forms (ZIP)")
            .WithDescription("Một tệp PDF cho mỗi hồ sơ đã ghi nhận (sau khi người giám hộ đồng ý) và đã tạo xong tờ khai, tên `6A1_01_Nguyen_Minh_Khoi.pdf`; "
                + "tệp ZIP được truyền dần (không chờ cả lớp). Lớp chưa có hồ sơ nào của trường, hoặc trường khác: 404.")
            .Produces<Stream>(StatusCodes.Status200OK, "application/zip")
            .ProducesProblems(CommonProblems.NotFound, GuardianEnrollmentProblems.ClassUnknown);

    /// <summary>"6A1", 1, "Nguyễn Minh Khôi" → "6A1_01_Nguyen_Minh_Khoi.pdf".</summary>
    public static string FileName(string classCode, int position, string childName) =>
        $"{Ascii(classCode)}_{position.ToString("D2", CultureInfo.InvariantCulture)}_{Ascii(childName).Replace(' ', '_')}.pdf";

    // Diacritics dropped, đ as d; anything but letters, digits, space, '-' and '_' left out (a file name, not a path).
    private static string Ascii(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            var folded = c switch { 'đ' => 'd', 'Đ' => 'D', _ => c };
            if (char.IsAsciiLetterOrDigit(folded) || folded is ' ' or '-' or '_')
            {
                builder.Append(folded);
            }
        }
        return builder.ToString().Trim();
    }
}
