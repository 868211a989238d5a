using PdfSharp.Fonts;

namespace VssId.Modules.Notifications.Documents;

/// <summary>
/// Serves the font shipped in the assembly (VssId Sans: DejaVu Sans cut down to what Vietnamese needs,
/// composites flattened — see tools/fonts). Linux has no font lookup in PDFsharp, and relying on system
/// fonts would make the PDF depend on the machine.
/// </summary>
internal sealed class FontResolver : IFontResolver
{
    public const string Family = "VssId Sans";
    private static readonly byte[] Regular = Load("VssIdSans.ttf");
    private static readonly byte[] Bold = Load("VssIdSans-Bold.ttf");

    private static readonly Lock Gate = new();
    private static bool _installed;

    /// <summary>PDFsharp's resolver is process-wide; install it once.</summary>
    public static void Install()
    {
        lock (Gate)
        {
            if (!_installed)
            {
                GlobalFontSettings.FontResolver = new FontResolver();
                _installed = true;
            }
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
        familyName == Family ? new FontResolverInfo(bold ? "VssIdSans-Bold" : "VssIdSans-Regular") : null;

    public byte[]? GetFont(string faceName) => faceName == "VssIdSans-Bold" ? Bold : Regular;

    private static byte[] Load(string name)
    {
        using var stream = typeof(FontResolver).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Font {name} is missing from the build.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
