using System.Diagnostics;
using System.Text;

namespace VssId.Tests.Infrastructure;

/// <summary>A rasterised PDF page (poppler's pdftoppm), as 8-bit grey pixels.</summary>
public sealed record GreyImage(int Width, int Height, byte[] Pixels)
{
    public byte At(int x, int y) => Pixels[(y * Width) + x];

    /// <summary>Rasterises page 1 of <paramref name="pdf"/>; also writes a PNG beside it when <paramref name="pngPath"/> is given, to look at.</summary>
    public static GreyImage FromPdf(byte[] pdf, int dpi, string? pngPath = null)
    {
        var directory = Directory.CreateTempSubdirectory("vssid-raster-");
        try
        {
            var input = Path.Combine(directory.FullName, "in.pdf");
            File.WriteAllBytes(input, pdf);
            Run("pdftoppm", "-r", dpi.ToString(System.Globalization.CultureInfo.InvariantCulture), "-gray", "-singlefile", input, Path.Combine(directory.FullName, "page"));
            if (pngPath is not null)
            {
                Run("pdftoppm", "-r", dpi.ToString(System.Globalization.CultureInfo.InvariantCulture), "-png", "-singlefile", input, pngPath);
            }
            return ReadPgm(File.ReadAllBytes(Path.Combine(directory.FullName, "page.pgm")));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static GreyImage ReadPgm(byte[] bytes)
    {
        // P5\n<width> <height>\n<max>\n<pixels>
        var fields = new List<string>();
        var position = 0;
        while (fields.Count < 4)
        {
            while (char.IsWhiteSpace((char)bytes[position]))
            {
                position++;
            }
            var start = position;
            while (!char.IsWhiteSpace((char)bytes[position]))
            {
                position++;
            }
            fields.Add(Encoding.ASCII.GetString(bytes, start, position - start));
        }
        position++;
        var width = int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
        var height = int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture);
        return new GreyImage(width, height, bytes[position..(position + (width * height))]);
    }

    private static void Run(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} failed: {error}");
    }
}
