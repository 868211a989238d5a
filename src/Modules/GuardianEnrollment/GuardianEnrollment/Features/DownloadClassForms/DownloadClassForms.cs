using System.Globalization;
using System.Runtime.CompilerServices;
using System.IO.Compression;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Mediator;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using VssId.BuildingBlocks.Audit;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.BuildingBlocks.Security;
using VssId.Modules.GuardianEnrollment.ReadModels;
using VssId.Modules.Notifications.Contracts;

namespace VssId.Modules.GuardianEnrollment.Features.DownloadClassForms;

/// <summary>One PDF of the archive, read when the archive reaches it.</summary>
public sealed record ClassFormFile(string FileName, byte[] Pdf);

/// <summary>The archive's name and its files, produced one at a time as they are written.</summary>
public sealed record ClassFormsArchive(string FileName, IAsyncEnumerable<ClassFormFile> Files);

public sealed record DownloadClassForms(ClaimsPrincipal User, string SchoolCode, string ClassCode) : IQuery<ClassFormsArchive>;

/// <summary>
/// Every rendered Mẫu 01 of a class: the list of enrolments first (404 for a class without any), then each PDF read
/// only when the archive asks for it, so at most one is in memory. A form whose job has not finished yet is left out
/// (the school downloads again later); names are the class, the position and the child's name in ASCII.
/// </summary>
internal sealed class DownloadClassFormsHandler(NpgsqlDataSource database, IDeclarationForms forms, TimeProvider time)
    : IQueryHandler<DownloadClassForms, ClassFormsArchive>
{
    public async ValueTask<ClassFormsArchive> Handle(DownloadClassForms query, CancellationToken cancellationToken)
    {
        var school = SchoolRules.School(query.User, query.SchoolCode);
        var enrolled = (SchoolRules.ClassCode().IsMatch(query.ClassCode) ? await EnrollmentIndex.FormsOfClass(database, school, query.ClassCode, cancellationToken) : null)
            ?? throw new ProblemException(GuardianEnrollmentProblems.ClassUnknown);
        // Recorded before the first byte leaves: the forms show the children's and guardians' identity.
        await PersonalDataReads.Record(database, time.GetUtcNow(),
            SchoolRules.Reads(query.User, school, "class-forms", query.ClassCode, enrolled.SelectMany(f => new[] { f.ChildBhxhCode, f.GuardianBhxhCode })),
            cancellationToken);
        return new ClassFormsArchive($"mau-01-{Ascii(query.ClassCode)}.zip", Files(enrolled, query.ClassCode, cancellationToken));
    }

    private async IAsyncEnumerable<ClassFormFile> Files(IReadOnlyList<ClassForm> enrolled, string classCode,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var position = 0;
        foreach (var (id, name, number, _, _) in enrolled)
        {
            position++;
            if ((await forms.Get(EnrollmentForms.DocumentId(id, number), cancellationToken)).Pdf is { } pdf)
            {
                yield return new ClassFormFile(FileName(classCode, position, name), pdf);
            }
        }
    }

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

/// <summary>
/// Writes the archive straight into the response with .NET's async ZipArchive: each PDF is written as an entry
/// (stored, not deflated: a PDF is compressed already) and flushed before the next is read, so the archive is never
/// held in memory and the first bytes leave at once.
/// </summary>
internal sealed class DownloadClassFormsEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapGet("v1/schools/{schoolCode}/classes/{classCode}/forms.zip", async (string schoolCode, string classCode, ClaimsPrincipal user,
                HttpResponse response, ISender sender, CancellationToken ct) =>
            {
                var archive = await sender.Send(new DownloadClassForms(user, schoolCode, classCode), ct);
                response.ContentType = "application/zip";
                response.Headers.ContentDisposition = $"attachment; filename=\"{archive.FileName}\"";
                response.Headers.CacheControl = "no-store";
                await response.StartAsync(ct);
                var stream = response.BodyWriter.AsStream();
                await using (var zip = await ZipArchive.CreateAsync(stream, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, ct))
                {
                    await foreach (var file in archive.Files.WithCancellation(ct))
                    {
                        var entry = zip.CreateEntry(file.FileName, CompressionLevel.NoCompression);
                        await using (var content = await entry.OpenAsync(ct))
                        {
                            await content.WriteAsync(file.Pdf, ct);
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
}
