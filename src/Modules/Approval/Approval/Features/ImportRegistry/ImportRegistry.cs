using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using VssId.BuildingBlocks.Audit;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Http;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.BuildingBlocks.Security;
using VssId.BuildingBlocks.Time;
using VssId.Modules.Approval.ReadModels;

namespace VssId.Modules.Approval.Features.ImportRegistry;

public sealed record RegistryImportResult(int Imported, int Updated, IReadOnlyList<CsvRejectedRow> Rejected);

public sealed record ImportRegistry(string Csv, bool English, string By) : ICommand<RegistryImportResult>;

/// <summary>
/// <c>bhxhCode,fullName,dateOfBirth,gender</c> with a header row, parsed by Sep (RFC 4180 quoting). Each row
/// stands on its own: good rows are stored (new or changed, by code), bad rows are listed with their errors;
/// importing the same file again changes nothing. Each import goes to the audit trail with its counts.
/// </summary>
public sealed partial class ImportRegistryHandler(NpgsqlDataSource database, IAdministrativeAudit audit, TimeProvider time)
    : ICommandHandler<ImportRegistry, RegistryImportResult>
{
    public const int MaxRows = 200_000;
    private static readonly string[] Columns = ["bhxhCode", "fullName", "dateOfBirth", "gender"];

    private static readonly (string Code, LocalizedText Text) CodeInvalid = ("registry.bhxh_code_invalid", new("Mã số BHXH gồm 10 chữ số.", "A social-insurance code has 10 digits."));
    private static readonly (string Code, LocalizedText Text) NameInvalid = ("registry.full_name_invalid", new("Họ tên 1–100 ký tự.", "A full name has 1–100 characters."));
    private static readonly (string Code, LocalizedText Text) DateInvalid = ("registry.date_of_birth_invalid",
        new("Ngày sinh dạng yyyy-MM-dd, không ở tương lai.", "The date of birth is yyyy-MM-dd and not in the future."));
    private static readonly (string Code, LocalizedText Text) GenderInvalid = ("registry.gender_invalid", new("Giới tính là \"Nam\" hoặc \"Nữ\".", "The gender is \"Nam\" or \"Nữ\"."));
    private static readonly (string Code, LocalizedText Text) Duplicate = ("registry.duplicate_code", new("Mã số BHXH lặp lại trong tệp.", "The code appears twice in the file."));
    private static readonly (string Code, LocalizedText Text) ColumnsMissing = ("registry.columns", new("Dòng thiếu cột.", "The row is missing columns."));

    public static readonly ProblemType HeaderInvalid = new("registry.header_invalid", 400,
        new("Dòng tiêu đề phải là: bhxhCode,fullName,dateOfBirth,gender.", "The header row must be: bhxhCode,fullName,dateOfBirth,gender."));

    public static readonly ProblemType TooManyRows = new("registry.too_many_rows", 413,
        new("Tệp quá 200.000 dòng; hãy chia nhỏ.", "The file has more than 200,000 rows; split it."));

    [GeneratedRegex(@"^\d{10}$")]
    private static partial Regex TenDigits();

    public async ValueTask<RegistryImportResult> Handle(ImportRegistry command, CancellationToken cancellationToken)
    {
        var today = VietnamTime.DateOf(time.GetUtcNow());
        var people = new List<RegistryPerson>();
        var rejected = new List<CsvRejectedRow>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var reader = CsvImport.Open(command.Csv, Columns, HeaderInvalid);
        foreach (var row in reader)
        {
            if (people.Count + rejected.Count >= MaxRows)
            {
                throw new ProblemException(TooManyRows);
            }
            var line = row.RowIndex + 1;
            var errors = new CsvImport.RowErrors(command.English);
            void Fail(string field, (string Code, LocalizedText Text) error) => errors.Add(field, error.Code, error.Text);
            if (row.ColCount < Columns.Length)
            {
                Fail("row", ColumnsMissing);
                rejected.Add(errors.For(line));
                continue;
            }
            var code = row[0].ToString().Trim();
            var name = string.Join(' ', row[1].ToString().Normalize(NormalizationForm.FormC).Split(' ', StringSplitOptions.RemoveEmptyEntries));
            var dateText = row[2].ToString().Trim();
            var gender = row[3].ToString().Trim().Normalize(NormalizationForm.FormC);
            if (!TenDigits().IsMatch(code))
            {
                Fail("bhxhCode", CodeInvalid);
            }
            else if (!seen.Add(code))
            {
                Fail("bhxhCode", Duplicate);
            }
            if (name.Length is 0 or > 100)
            {
                Fail("fullName", NameInvalid);
            }
            if (!DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var dateOfBirth) || dateOfBirth > today)
            {
                Fail("dateOfBirth", DateInvalid);
            }
            if (gender is not ("Nam" or "Nữ"))
            {
                Fail("gender", GenderInvalid);
            }
            if (errors.Count > 0)
            {
                rejected.Add(errors.For(line));
                continue;
            }
            people.Add(new RegistryPerson(code, name, dateOfBirth, gender));
        }
        var (imported, updated) = await Registry.Upsert(database, people, time.GetUtcNow(), cancellationToken);
        await audit.Record(command.By, AdministrativeActions.RegistryImported, null,
            string.Create(CultureInfo.InvariantCulture, $"imported={imported} updated={updated} rejected={rejected.Count}"), cancellationToken);
        return new RegistryImportResult(imported, updated, rejected);
    }
}

internal sealed class ImportRegistryEndpoint : IEndpoint
{
    // A registry file of 200,000 rows is about 10 MB.
    private const int MaxChars = 16 * 1024 * 1024;

    public void Map(IEndpointRouteBuilder group) =>
        group.MapPut("/admin/registry", async (HttpRequest request, ISender sender, CancellationToken ct) =>
            {
                var csv = await CsvBody.Read(request, MaxChars, ct);
                return TypedResults.Ok(await sender.Send(new ImportRegistry(csv, CsvBody.English(request), request.HttpContext.Actor()), ct));
            })
            .WithName("ImportRegistry")
            // Up to 16 Mi characters of CSV, mostly ASCII: Kestrel's 30 MB, as before.
            .WithBodyLimit(30_000_000)
            .WithTags("Quản trị · Administration")
            .RequireAccess(AccessPolicies.Admin)
            .Accepts<string>("text/csv")
            .WithSummary("Nhập danh sách người tham gia BHXH · Import the insured-person registry")
            .WithDescription("CSV UTF-8 có dòng tiêu đề `bhxhCode,fullName,dateOfBirth,gender` (ngày `yyyy-MM-dd`, giới tính `Nam`/`Nữ`). "
                + "Mỗi dòng xét riêng; theo mã số BHXH (nhập lại cùng tệp không thay đổi gì). Tối đa 200.000 dòng.")
            .WithResponseExample(StatusCodes.Status200OK, new RegistryImportResult(27, 2,
                [new CsvRejectedRow(5, [new CsvRowError("dateOfBirth", "registry.date_of_birth_invalid", "Ngày sinh dạng yyyy-MM-dd, không ở tương lai.")])]))
            .ProducesProblems(ImportRegistryHandler.HeaderInvalid, ImportRegistryHandler.TooManyRows, CommonProblems.TooLarge, CommonProblems.UnsupportedMediaType);
}
