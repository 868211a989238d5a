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
using VssId.Modules.Reference.Catalogs;
using VssId.Modules.Reference.Contracts;

namespace VssId.Modules.Reference.Features.ImportOffices;

public sealed record OfficeImportResult(int Imported, int Updated, IReadOnlyList<CsvRejectedRow> Rejected);

public sealed record ImportOffices(string Csv, bool English, string By) : ICommand<OfficeImportResult>;

/// <summary>
/// The official office list: <c>code,name,provinceCode,validFrom,validTo</c> with a header row (Sep). Each
/// row stands on its own; rows are upserted by code, and an imported office replaces the seeded one of that
/// code. An office whose <c>validTo</c> has passed is refused at submission from then on.
/// </summary>
public sealed partial class ImportOfficesHandler(NpgsqlDataSource database, IOfficeCatalog catalog, IAddressCatalog addresses, IAdministrativeAudit audit, TimeProvider time)
    : ICommandHandler<ImportOffices, OfficeImportResult>
{
    private static readonly string[] Columns = ["code", "name", "provinceCode", "validFrom", "validTo"];

    public static readonly ProblemType HeaderInvalid = new("offices.header_invalid", 400,
        new("Dòng tiêu đề phải là: code,name,provinceCode,validFrom,validTo.", "The header row must be: code,name,provinceCode,validFrom,validTo."));

    private static readonly (string Code, LocalizedText Text) CodeInvalid = ("offices.code_invalid", new("Mã cơ quan 3–7 chữ số.", "An office code has 3–7 digits."));
    private static readonly (string Code, LocalizedText Text) NameInvalid = ("offices.name_invalid", new("Tên 1–200 ký tự.", "A name has 1–200 characters."));
    private static readonly (string Code, LocalizedText Text) ProvinceInvalid = ("offices.province_invalid",
        new("Mã tỉnh (danh mục cũ, 2 chữ số) không tồn tại.", "The province code (legacy catalog, 2 digits) does not exist."));
    private static readonly (string Code, LocalizedText Text) DateInvalid = ("offices.date_invalid",
        new("Ngày dạng yyyy-MM-dd; validTo không trước validFrom.", "Dates are yyyy-MM-dd; validTo is not before validFrom."));
    private static readonly (string Code, LocalizedText Text) Duplicate = ("offices.duplicate_code", new("Mã cơ quan lặp lại trong tệp.", "The code appears twice in the file."));
    private static readonly (string Code, LocalizedText Text) ColumnsMissing = ("offices.columns", new("Dòng thiếu cột.", "The row is missing columns."));

    [GeneratedRegex(@"^\d{3,7}$")]
    private static partial Regex OfficeCode();

    public async ValueTask<OfficeImportResult> Handle(ImportOffices command, CancellationToken cancellationToken)
    {
        var rows = new List<(string Code, string Name, string Province, DateOnly? From, DateOnly? To)>();
        var rejected = new List<CsvRejectedRow>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var reader = CsvImport.Open(command.Csv, Columns, HeaderInvalid);
        foreach (var row in reader)
        {
            var errors = new CsvImport.RowErrors(command.English);
            void Fail(string field, (string Code, LocalizedText Text) error) => errors.Add(field, error.Code, error.Text);
            if (row.ColCount < Columns.Length)
            {
                Fail("row", ColumnsMissing);
                rejected.Add(errors.For(row.RowIndex + 1));
                continue;
            }
            var code = row[0].ToString().Trim();
            var name = string.Join(' ', row[1].ToString().Normalize(NormalizationForm.FormC).Split(' ', StringSplitOptions.RemoveEmptyEntries));
            var province = row[2].ToString().Trim();
            var from = Date(row[3].ToString(), out var fromOk);
            var to = Date(row[4].ToString(), out var toOk);
            if (!OfficeCode().IsMatch(code))
            {
                Fail("code", CodeInvalid);
            }
            else if (!seen.Add(code))
            {
                Fail("code", Duplicate);
            }
            if (name.Length is 0 or > 200)
            {
                Fail("name", NameInvalid);
            }
            if (!addresses.IsLegacyProvinceCode(province))
            {
                Fail("provinceCode", ProvinceInvalid);
            }
            if (!fromOk || !toOk || (from is { } f && to is { } t && t < f))
            {
                Fail("validTo", DateInvalid);
            }
            if (errors.Count > 0)
            {
                rejected.Add(errors.For(row.RowIndex + 1));
                continue;
            }
            rows.Add((code, name, province, from, to));
        }
        int imported = 0, updated = 0;
        await using (var connection = await database.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            foreach (var r in rows)
            {
                await using var upsert = new NpgsqlCommand($"""
                    INSERT INTO {OfficeDirectory.TableName} AS o (code, name, province_code, valid_from, valid_to, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
                    ON CONFLICT (code) DO UPDATE SET name = excluded.name, province_code = excluded.province_code, valid_from = excluded.valid_from,
                        valid_to = excluded.valid_to, updated_at = excluded.updated_at
                    WHERE (o.name, o.province_code, o.valid_from, o.valid_to) IS DISTINCT FROM (excluded.name, excluded.province_code, excluded.valid_from, excluded.valid_to)
                    RETURNING (xmax = 0)
                    """, connection, transaction)
                {
                    Parameters =
                    {
                        new() { Value = r.Code }, new() { Value = r.Name }, new() { Value = r.Province },
                        new() { Value = (object?)r.From ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date },
                        new() { Value = (object?)r.To ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Date },
                        new() { Value = time.GetUtcNow() },
                    },
                };
                var result = await upsert.ExecuteScalarAsync(cancellationToken);
                imported += result is true ? 1 : 0;
                updated += result is false ? 1 : 0;
            }
            await transaction.CommitAsync(cancellationToken);
        }
        // This process serves the new list at once; the others within a minute.
        await ((OfficeDirectory)catalog).Reload(cancellationToken);
        await audit.Record(command.By, AdministrativeActions.OfficesImported, null,
            string.Create(CultureInfo.InvariantCulture, $"imported={imported} updated={updated} rejected={rejected.Count}"), cancellationToken);
        return new OfficeImportResult(imported, updated, rejected);
    }

    private static DateOnly? Date(string text, out bool ok)
    {
        text = text.Trim();
        ok = text.Length == 0 || DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
        return ok && text.Length > 0 ? DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null;
    }
}

internal sealed class ImportOfficesEndpoint : IEndpoint
{
    private const int MaxChars = 4 * 1024 * 1024;

    public void Map(IEndpointRouteBuilder group) =>
        group.MapPut("/admin/offices", async (HttpRequest request, ISender sender, CancellationToken ct) =>
            {
                var csv = await CsvBody.Read(request, MaxChars, ct);
                return TypedResults.Ok(await sender.Send(new ImportOffices(csv, CsvBody.English(request), request.HttpContext.Actor()), ct));
            })
            .WithName("ImportOffices")
            .WithBodyLimit(MaxChars * 3L)
            .WithTags("Quản trị · Administration")
            .RequireAccess(AccessPolicies.Admin)
            .Accepts<string>("text/csv")
            .WithSummary("Nhập danh sách cơ quan BHXH · Import the office list")
            .WithDescription("CSV UTF-8 có dòng tiêu đề `code,name,provinceCode,validFrom,validTo` (ngày `yyyy-MM-dd`, có thể để trống). "
                + "Theo mã cơ quan: thay cơ quan mặc định cùng mã; cơ quan hết hiệu lực (`validTo` đã qua) không nhận hồ sơ mới.")
            .WithResponseExample(StatusCodes.Status200OK, new OfficeImportResult(31, 1,
                [new CsvRejectedRow(4, [new CsvRowError("provinceCode", "offices.province_invalid", "Mã tỉnh (danh mục cũ, 2 chữ số) không tồn tại.")])]))
            .ProducesProblems(ImportOfficesHandler.HeaderInvalid, CommonProblems.TooLarge, CommonProblems.UnsupportedMediaType);
}
