using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;
using VssId.BuildingBlocks.Files;
using VssId.Tests.Infrastructure;
using VssId.Tests.Registration;

namespace VssId.Tests.Abuse;

/// <summary>
/// Issue 13 item 8: metadata between the scans of a progressive JPEG, data after the end-of-image marker (a
/// Motion Photo's video, an appended payload) and a PNG's trailer never reach the disk; the stored photo
/// still decodes to the same picture.
/// </summary>
public sealed class ImageStrippingTests
{
    private const string BetweenScans = "SECRET-BETWEEN-SCANS";
    private const string Trailer = "SECRET-AFTER-THE-END";

    // jpegtran (libjpeg-turbo, installed by test.sh) makes a real progressive JPEG of several scans.
    private static byte[] Progressive(byte[] baseline)
    {
        var directory = Directory.CreateTempSubdirectory("vssid-progressive-");
        try
        {
            var input = Path.Combine(directory.FullName, "in.jpg");
            var output = Path.Combine(directory.FullName, "out.jpg");
            File.WriteAllBytes(input, baseline);
            var start = new ProcessStartInfo("jpegtran") { UseShellExecute = false };
            foreach (var a in new[] { "-progressive", "-copy", "none", "-outfile", output, input })
            {
                start.ArgumentList.Add(a);
            }
            using (var process = Process.Start(start)!)
            {
                process.WaitForExit();
                Assert.Equal(0, process.ExitCode);
            }
            return File.ReadAllBytes(output);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static byte[] Segment(byte marker, string text)
    {
        var body = Encoding.ASCII.GetBytes(text);
        return [0xFF, marker, (byte)((body.Length + 2) >> 8), (byte)(body.Length + 2), .. body];
    }

    private static List<int> StartsOfScan(byte[] jpeg) =>
        Enumerable.Range(0, jpeg.Length - 1).Where(i => jpeg[i] == 0xFF && jpeg[i + 1] == 0xDA).ToList();

    /// <summary>A progressive JPEG with a comment and an XMP packet before its second scan, and a "video" after its end.</summary>
    private static byte[] Crafted()
    {
        var progressive = Progressive(TestImages.Jpeg);
        var scans = StartsOfScan(progressive);
        Assert.True(scans.Count >= 2, "jpegtran wrote a progressive JPEG");
        var second = scans[1];
        return [.. progressive[..second], .. Segment(0xFE, BetweenScans),
            .. Segment(0xE1, "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>" + BetweenScans + "</x:xmpmeta>"),
            .. progressive[second..], .. Encoding.ASCII.GetBytes("\0\0\0\x18" + "ftypmp42" + Trailer)];
    }

    [Fact]
    public void A_progressive_jpeg_loses_what_lies_between_its_scans_and_after_its_end_and_still_decodes()
    {
        var crafted = Crafted();
        var image = ImageInspector.Inspect(crafted.ToArray())!;
        var stored = image.Stripped.ToArray();
        var text = Encoding.ASCII.GetString(stored);
        Assert.DoesNotContain(BetweenScans, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Trailer, text, StringComparison.Ordinal);
        Assert.DoesNotContain("ftyp", text, StringComparison.Ordinal);
        Assert.Equal([0xFF, 0xD9], stored[^2..]);
        Assert.Equal(StartsOfScan(Progressive(TestImages.Jpeg)).Count, StartsOfScan(stored).Count);

        using var original = SKBitmap.Decode(TestImages.Jpeg);
        using var decoded = SKBitmap.Decode(stored);
        Assert.NotNull(decoded);
        Assert.Equal((original.Width, original.Height), (decoded.Width, decoded.Height));
        Assert.Equal((image.Width, image.Height), (decoded.Width, decoded.Height));
        // Same picture: jpegtran's progressive form is lossless, so the pixels match the baseline's.
        Assert.Equal(original.GetPixel(original.Width / 2, original.Height / 3), decoded.GetPixel(decoded.Width / 2, decoded.Height / 3));
    }

    [Fact]
    public void A_baseline_jpeg_and_a_png_lose_their_trailers_and_a_jpeg_without_an_end_is_refused()
    {
        var jpeg = ImageInspector.Inspect((byte[])[.. TestImages.Jpeg, .. Encoding.ASCII.GetBytes(Trailer)])!.Stripped.ToArray();
        Assert.DoesNotContain(Trailer, Encoding.ASCII.GetString(jpeg), StringComparison.Ordinal);
        Assert.Equal([0xFF, 0xD9], jpeg[^2..]);
        var png = ImageInspector.Inspect((byte[])[.. TestImages.Png, .. Encoding.ASCII.GetBytes(Trailer)])!.Stripped.ToArray();
        Assert.DoesNotContain(Trailer, Encoding.ASCII.GetString(png), StringComparison.Ordinal);
        Assert.NotNull(SKBitmap.Decode(png));

        var cut = TestImages.Jpeg[..(TestImages.Jpeg.Length - 2)];
        Assert.Null(ImageInspector.Inspect(cut));
    }

    [Fact]
    public async Task Over_http_the_stored_file_is_the_stripped_one()
    {
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync());
        var api = new RegistrationClient(app.CreateClient());
        var (id, token) = await api.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone()));
        Assert.Equal(HttpStatusCode.NoContent, (await api.Upload(id, token, "portrait", Crafted())).StatusCode);
        var root = app.Services.GetRequiredService<IConfiguration>()["FileStore:Root"]!;
        var raw = await File.ReadAllBytesAsync(Assert.Single(Directory.GetFiles(Path.Combine(root, "registration", id.ToString("N")))));
        var stored = (await app.Services.GetRequiredService<VssId.BuildingBlocks.Privacy.PersonKeys>().Open(raw, default))!;
        var text = Encoding.ASCII.GetString(stored);
        Assert.DoesNotContain(BetweenScans, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Trailer, text, StringComparison.Ordinal);
        Assert.NotNull(SKBitmap.Decode(stored));
    }
}
