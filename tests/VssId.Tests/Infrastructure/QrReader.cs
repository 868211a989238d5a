using ZXing;
using ZXing.Common;

namespace VssId.Tests.Infrastructure;

/// <summary>Reads the QR code printed on a PDF's first page, as a phone does: at more than one scale.</summary>
public static class QrReader
{
    // ZXing misses about one flawless rendering in a hundred at any one resolution, depending on the code's content
    // (measured: 4 misses in 360 decodes of the form at 150, 200 and 300 dpi, a different resolution each time), which
    // made the form's tests fail by chance. A camera sees many frames; the test looks at five scales before it gives up.
    private static readonly int[] Resolutions = [150, 200, 250, 300, 175];

    /// <summary>The QR's text, or null when no scale decodes.</summary>
    public static string? FromPdf(byte[] pdf)
    {
        var reader = new BarcodeReaderGeneric { Options = new DecodingOptions { PossibleFormats = [BarcodeFormat.QR_CODE], TryHarder = true } };
        foreach (var dpi in Resolutions)
        {
            var page = GreyImage.FromPdf(pdf, dpi);
            var result = reader.Decode(new RGBLuminanceSource(page.Pixels, page.Width, page.Height, RGBLuminanceSource.BitmapFormat.Gray8));
            if (result is not null)
            {
                return result.Text;
            }
        }
        return null;
    }
}
