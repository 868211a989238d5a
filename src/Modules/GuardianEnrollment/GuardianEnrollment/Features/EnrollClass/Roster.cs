using System.Globalization;
using System.Text;
using nietras.SeparatedValues;
using VssId.BuildingBlocks.Errors;

namespace VssId.Modules.GuardianEnrollment.Features.EnrollClass;

/// <summary>One child of a roster, as the school wrote it (JSON, or a CSV line); read and judged by the handler.</summary>
public sealed record RosterChild(
    string? BhxhCode,
    string? FullName,
    string? DateOfBirth,
    string? Gender,
    string? GuardianBhxhCode,
    string? GuardianPhone,
    string? Relationship);

/// <summary>
/// A roster in CSV (<c>api.md</c> Schools): UTF-8 with or without BOM (the reader drops it), a header row naming
/// the 7 columns in English or Vietnamese in any order, comma or semicolon separated (Sep detects which from the
/// header, as a spreadsheet in Vietnam exports either), RFC 4180 quoting. A cell is only ever data: nothing here
/// or downstream evaluates it, and every field is validated before it is stored.
/// </summary>
public static class Roster
{
    public const int MaxRows = 1000;

    private static readonly (string English, string Vietnamese)[] Columns =
    [
        ("bhxhCode", "Mã số BHXH"),
        ("fullName", "Họ và tên"),
        ("dateOfBirth", "Ngày sinh"),
        ("gender", "Giới tính"),
        ("guardianBhxhCode", "Mã số BHXH người giám hộ"),
        ("guardianPhone", "Số điện thoại người giám hộ"),
        ("relationship", "Quan hệ"),
    ];

    /// <summary>The rows of <paramref name="csv"/>, each with its line in the file (the header is line 1).</summary>
    public static IReadOnlyList<(int Row, RosterChild Child)> FromCsv(string csv)
    {
        using var reader = Sep.Reader(o => o with { Unescape = true, DisableColCountCheck = true, HasHeader = true }).FromText(csv);
        var positions = new int[Columns.Length];
        var names = reader.Header.ColNames.Select(Heading).ToList();
        for (var i = 0; i < Columns.Length; i++)
        {
            positions[i] = names.FindIndex(n => n == Heading(Columns[i].English) || n == Heading(Columns[i].Vietnamese));
            if (positions[i] < 0)
            {
                throw new ProblemException(GuardianEnrollmentProblems.RosterHeaderInvalid);
            }
        }
        var rows = new List<(int, RosterChild)>();
        foreach (var row in reader)
        {
            if (rows.Count >= MaxRows)
            {
                throw new ProblemException(GuardianEnrollmentProblems.RosterTooLarge);
            }
            // A blank line a spreadsheet left at the end is not a child.
            if (row.ColCount == 1 && string.IsNullOrWhiteSpace(row[0].ToString()))
            {
                continue;
            }
            var cells = new string?[Columns.Length];
            for (var i = 0; i < cells.Length; i++)
            {
                cells[i] = positions[i] < row.ColCount ? row[positions[i]].ToString() : null;
            }
            rows.Add((row.RowIndex + 1, new RosterChild(cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[6])));
        }
        return rows;
    }

    // Headings compare trimmed, NFC, without case ("Mã số BHXH" = "mã số bhxh").
    private static string Heading(string name) => name.Trim().Normalize(NormalizationForm.FormC).ToLowerInvariant();

    /// <summary><c>yyyy-MM-dd</c> or <c>dd/MM/yyyy</c> (also without leading zeros, as a spreadsheet writes 5/9/2016).</summary>
    public static DateOnly? Date(string? text) =>
        DateOnly.TryParseExact(text?.Trim(), ["yyyy-MM-dd", "dd/MM/yyyy", "d/M/yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : null;

    /// <summary><c>father</c> | <c>mother</c> | <c>guardian</c>, or the Vietnamese <c>cha</c> | <c>mẹ</c> | <c>người giám hộ</c>.</summary>
    public static string? Relationship(string? text) => text?.Trim().Normalize(NormalizationForm.FormC).ToLowerInvariant() switch
    {
        "father" or "cha" => Domain.Relationships.Father,
        "mother" or "mẹ" => Domain.Relationships.Mother,
        "guardian" or "người giám hộ" => Domain.Relationships.Guardian,
        _ => null,
    };

    /// <summary>"Nam" or "Nữ" in any case.</summary>
    public static string? Gender(string? text) => text?.Trim().Normalize(NormalizationForm.FormC).ToLowerInvariant() switch
    {
        "nam" => "Nam",
        "nữ" => "Nữ",
        _ => null,
    };
}
