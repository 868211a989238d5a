using System.Text.RegularExpressions;

namespace VssId.BuildingBlocks.Errors;

/// <summary>
/// An unexpected exception as it is logged: its type and stack, its message (and its inner ones') with every run of
/// nine or more digits masked. Nothing expected carries personal data in a message, but an unexpected exception
/// might (a library quoting the value it choked on): an identity number or a phone must not reach the log that way.
/// </summary>
public sealed partial class RedactedException(Exception original)
    : Exception(Redact(original.Message), original.InnerException is { } inner ? new RedactedException(inner) : null)
{
    public string OriginalType { get; } = original.GetType().FullName ?? original.GetType().Name;

    public override string? StackTrace { get; } = original.StackTrace;

    public override string ToString() =>
        $"{OriginalType}: {Message}{(InnerException is null ? "" : $" ---> {InnerException}")}{Environment.NewLine}{StackTrace}";

    /// <summary>"0120169123" → "01********"; shorter numbers (ports, counts, status codes) stay.</summary>
    public static string Redact(string text) => LongNumber().Replace(text, m => m.Value[..2] + new string('*', m.Length - 2));

    [GeneratedRegex("[0-9]{9,}")]
    private static partial Regex LongNumber();
}
