using nietras.SeparatedValues;
using VssId.BuildingBlocks.Errors;

namespace VssId.BuildingBlocks.Http;

/// <summary>One field of one CSV row that was refused.</summary>
public sealed record CsvRowError(string Field, string Code, string Message);

/// <summary>A refused CSV row: its line in the file (the header is line 1) and why.</summary>
public sealed record CsvRejectedRow(int Row, IReadOnlyList<CsvRowError> Errors);

/// <summary>
/// The shape every administrative CSV import shares (registry, offices, rosters): Sep with RFC 4180 quoting,
/// a fixed header, rows judged one by one and refused rows reported by line with errors in the caller's language.
/// </summary>
public static class CsvImport
{
    /// <summary>A reader over <paramref name="csv"/> whose header must be <paramref name="columns"/> (else <paramref name="headerInvalid"/>).</summary>
    public static SepReader Open(string csv, IReadOnlyList<string> columns, ProblemType headerInvalid)
    {
        var reader = Sep.New(',').Reader(o => o with { Unescape = true, DisableColCountCheck = true, HasHeader = true }).FromText(csv);
        if (!reader.Header.ColNames.Select(h => h.Trim()).SequenceEqual(columns, StringComparer.OrdinalIgnoreCase))
        {
            reader.Dispose();
            throw new ProblemException(headerInvalid);
        }
        return reader;
    }

    /// <summary>The errors of one row, collected in the caller's language.</summary>
    public sealed class RowErrors(bool english)
    {
        private readonly List<CsvRowError> _errors = [];

        public int Count => _errors.Count;

        public void Add(string field, string code, LocalizedText text) => _errors.Add(new CsvRowError(field, code, english ? text.En : text.Vi));

        public CsvRejectedRow For(int line) => new(line, _errors.ToArray());
    }
}
