using System.Globalization;
using System.Text;
using VssId.BuildingBlocks.Errors;

namespace VssId.Modules.Credentials.Features;

/// <summary>Opaque page cursors over small administrative lists (an offset, base64url-encoded).</summary>
internal static class Cursor
{
    public static int Read(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return 0;
        }
        try
        {
            var text = Encoding.ASCII.GetString(Convert.FromBase64String(cursor.Replace('-', '+').Replace('_', '/').PadRight((cursor.Length + 3) / 4 * 4, '=')));
            return text.StartsWith("o:", StringComparison.Ordinal) && int.TryParse(text[2..], CultureInfo.InvariantCulture, out var offset) && offset >= 0
                ? offset
                : throw new FormatException();
        }
        catch (FormatException)
        {
            throw new ValidationProblemException([("cursor", CommonProblems.CursorInvalid)]);
        }
    }

    /// <summary>A keyset cursor over an append-only log: the id of the last row seen, or null for the first page.</summary>
    public static long? ReadId(string? cursor) =>
        string.IsNullOrEmpty(cursor) ? null
        : long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id
        : throw new ValidationProblemException([("cursor", CommonProblems.CursorInvalid)]);

    public static string Write(int offset) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"o:{offset}"))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
