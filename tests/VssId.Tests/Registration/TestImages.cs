using System.Diagnostics;
using System.Text;
using VssId.Modules.Notifications.Documents;
using VssId.Tests.Notifications;

namespace VssId.Tests.Registration;

/// <summary>Real JPEG and PNG files made by poppler from a rendered form (827×1169 at 100 dpi).</summary>
public static class TestImages
{
    private static readonly Lazy<byte[]> JpegBytes = new(() => Render("-jpeg", "jpg", 100));
    private static readonly Lazy<byte[]> PngBytes = new(() => Render("-png", "png", 100));
    private static readonly Lazy<byte[]> TinyJpegBytes = new(() => Render("-jpeg", "jpg", 40));

    public static byte[] Jpeg => JpegBytes.Value;

    public static byte[] Png => PngBytes.Value;

    /// <summary>331×468: under the 600×400 minimum.</summary>
    public static byte[] TinyJpeg => TinyJpegBytes.Value;

    public const string GpsMarker = "GPS-21.0285N-105.8542E";

    /// <summary>The JPEG with an EXIF segment whose first IFD offset is 2^32 − 2: an offset that wraps round in 32-bit arithmetic.</summary>
    public static byte[] JpegWithHugeExifOffset()
    {
        byte[] tiff = [(byte)'M', (byte)'M', 0, 42, 0xFF, 0xFF, 0xFF, 0xFE, 0, 0, 0, 0];
        var payload = Encoding.ASCII.GetBytes("Exif\0\0").Concat(tiff).ToArray();
        byte[] app1 = [0xFF, 0xE1, (byte)((payload.Length + 2) >> 8), (byte)((payload.Length + 2) & 0xFF), .. payload];
        return Jpeg.Take(2).Concat(app1).Concat(Jpeg.Skip(2)).ToArray();
    }

    /// <summary>The JPEG with an EXIF segment holding a GPS block (and a marker string to look for) and a comment.</summary>
    public static byte[] JpegWithGps()
    {
        var marker = Encoding.ASCII.GetBytes(GpsMarker + "\0");
        // Big-endian TIFF: IFD0 with GPSInfo (0x8825) → GPS IFD with GPSLatitudeRef 'N' and GPSMapDatum = marker.
        var tiff = new List<byte> { (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8 };
        tiff.AddRange([0, 1, 0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0]); // IFD0: 1 entry → GPS IFD at 26
        var markerOffset = 26 + 2 + 24 + 4;
        tiff.AddRange([0, 2]);
        tiff.AddRange([0, 1, 0, 2, 0, 0, 0, 2, (byte)'N', 0, 0, 0]); // GPSLatitudeRef = "N"
        tiff.AddRange([0, 0x12, 0, 2, 0, 0, 0, (byte)marker.Length, 0, 0, 0, (byte)markerOffset]); // GPSMapDatum
        tiff.AddRange([0, 0, 0, 0]);
        tiff.AddRange(marker);
        var app1 = new List<byte> { 0xFF, 0xE1 };
        var payload = Encoding.ASCII.GetBytes("Exif\0\0").Concat(tiff).ToArray();
        app1.Add((byte)((payload.Length + 2) >> 8));
        app1.Add((byte)((payload.Length + 2) & 0xFF));
        app1.AddRange(payload);
        var comment = Encoding.ASCII.GetBytes("taken at home " + GpsMarker);
        var com = new List<byte> { 0xFF, 0xFE, (byte)((comment.Length + 2) >> 8), (byte)((comment.Length + 2) & 0xFF) };
        com.AddRange(comment);
        var jpeg = Jpeg;
        return jpeg.Take(2).Concat(app1).Concat(com).Concat(jpeg.Skip(2)).ToArray();
    }

    private static byte[] Render(string format, string extension, int dpi)
    {
        var directory = Directory.CreateTempSubdirectory("vssid-image-");
        try
        {
            var pdf = Path.Combine(directory.FullName, "in.pdf");
            File.WriteAllBytes(pdf, DeclarationFormRenderer.Render(SampleForms.Adult(), "http://localhost/verify?token=x"));
            var start = new ProcessStartInfo("pdftoppm") { UseShellExecute = false, RedirectStandardError = true };
            foreach (var a in new[] { format, "-r", dpi.ToString(System.Globalization.CultureInfo.InvariantCulture), "-singlefile", pdf, Path.Combine(directory.FullName, "out") })
            {
                start.ArgumentList.Add(a);
            }
            using (var process = Process.Start(start)!)
            {
                process.WaitForExit();
                Assert.Equal(0, process.ExitCode);
            }
            return File.ReadAllBytes(Path.Combine(directory.FullName, "out." + extension));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
