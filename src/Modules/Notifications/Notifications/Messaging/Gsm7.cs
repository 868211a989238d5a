using System.Globalization;
using System.Text;

namespace VssId.Modules.Notifications.Messaging;

/// <summary>
/// Vietnamese operators deliver SMS "không dấu": a template written in Vietnamese is folded to the GSM-7
/// alphabet (đ→d, Ư→U, Ấ→A …) so a segment holds 160 characters instead of 70 in UCS-2.
/// </summary>
public static class Gsm7
{
    // GSM 03.38 basic character set (as .NET chars), and the extension set that costs two septets.
    private const string Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001BÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private const string Extension = "^{}\\[~]|€\f";

    /// <summary>
    /// Removes Vietnamese diacritics (and any other combining mark), maps đ/Đ to d/D, typographic
    /// quotes and dashes to ASCII, and replaces what GSM-7 still cannot carry with '?'.
    /// </summary>
    public static string Fold(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var rune in decomposed.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            if (!rune.IsBmp)
            {
                folded.Append('?');
                continue;
            }
            var c = (char)rune.Value;
            var mapped = c switch
            {
                'đ' => 'd',
                'Đ' => 'D',
                '‘' or '’' or 'ʼ' => '\'',
                '“' or '”' => '"',
                '–' or '—' => '-',
                '\u00A0' => ' ',
                _ => c,
            };
            folded.Append(IsGsm7(mapped) ? mapped : '?');
        }
        return folded.ToString();
    }

    /// <summary>True when every character is in the GSM-7 basic or extension set.</summary>
    public static bool IsGsm7(string text) => text.All(IsGsm7);

    private static bool IsGsm7(char c) => Basic.Contains(c, StringComparison.Ordinal) || Extension.Contains(c, StringComparison.Ordinal);

    /// <summary>Segments the text takes: 160 septets alone, 153 each when concatenated (extension characters count two).</summary>
    public static int Segments(string gsm7Text)
    {
        var septets = gsm7Text.Sum(c => Extension.Contains(c, StringComparison.Ordinal) ? 2 : 1);
        return septets <= 160 ? 1 : (septets + 152) / 153;
    }
}
