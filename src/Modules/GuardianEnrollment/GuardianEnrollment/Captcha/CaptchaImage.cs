using SkiaSharp;

namespace VssId.Modules.GuardianEnrollment.Captcha;

/// <summary>
/// Draws a captcha a person reads and a naive OCR does not: each letter in its own size, angle, baseline and
/// dark colour, letters overlapping, two strokes as thick as the letters' crossing them, dotted and lined
/// background noise, then the whole picture bent by two sine waves (so no letter sits on a straight line
/// and no glyph keeps its font shape). PNG, 220×80.
/// </summary>
internal static class CaptchaImage
{
    public const int Width = 220;
    public const int Height = 80;

    private static readonly SKTypeface Face = LoadFace();

    public static byte[] Draw(string answer)
    {
        var random = Random.Shared;
        using var letters = new SKBitmap(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using (var canvas = new SKCanvas(letters))
        {
            canvas.Clear(new SKColor((byte)random.Next(225, 256), (byte)random.Next(225, 256), (byte)random.Next(215, 256)));
            using var noise = new SKPaint { IsAntialias = true, StrokeWidth = 1 };
            for (var i = 0; i < 12; i++)
            {
                noise.Color = Light(random);
                canvas.DrawLine(random.Next(Width), random.Next(Height), random.Next(Width), random.Next(Height), noise);
            }
            using var ink = new SKPaint { IsAntialias = true };
            var x = 14f + random.Next(8);
            foreach (var letter in answer)
            {
                using var font = new SKFont(Face, random.Next(40, 50));
                ink.Color = Dark(random);
                canvas.Save();
                var baseline = 56f + random.Next(-6, 8);
                canvas.Translate(x, baseline);
                canvas.RotateDegrees(random.Next(-25, 26));
                canvas.Skew((float)(random.NextDouble() - 0.5) * 0.4f, 0);
                canvas.DrawText(letter.ToString(), 0, 0, SKTextAlign.Left, font, ink);
                canvas.Restore();
                // Letters overlap a little: segmenting them is the first step of every naive OCR.
                x += font.MeasureText(letter.ToString()) * 0.85f + random.Next(-2, 3);
            }
            using var stroke = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 2.5f, StrokeCap = SKStrokeCap.Round };
            for (var i = 0; i < 2; i++)
            {
                stroke.Color = Dark(random);
                using var builder = new SKPathBuilder();
                builder.MoveTo(random.Next(0, 20), random.Next(15, Height - 15));
                builder.CubicTo(random.Next(40, 90), random.Next(0, Height), random.Next(120, 180), random.Next(0, Height), random.Next(Width - 20, Width),
                    random.Next(15, Height - 15));
                using var path = builder.Detach();
                canvas.DrawPath(path, stroke);
            }
            using var dots = new SKPaint { IsAntialias = false };
            for (var i = 0; i < 500; i++)
            {
                dots.Color = random.Next(3) == 0 ? Dark(random) : Light(random);
                canvas.DrawPoint(random.Next(Width), random.Next(Height), dots);
            }
        }
        using var bent = Bend(letters, random);
        using var image = SKImage.FromBitmap(bent);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    // Each pixel is taken from a point displaced along two sine waves of random phase and period.
    private static SKBitmap Bend(SKBitmap source, Random random)
    {
        var bent = new SKBitmap(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var (ax, px, fx) = (random.Next(2, 5), random.Next(30, 46), random.NextDouble() * Math.Tau);
        var (ay, py, fy) = (random.Next(3, 6), random.Next(70, 120), random.NextDouble() * Math.Tau);
        var background = source.GetPixel(0, 0);
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                var sx = x + (int)(ax * Math.Sin((Math.Tau * y / px) + fx));
                var sy = y + (int)(ay * Math.Sin((Math.Tau * x / py) + fy));
                bent.SetPixel(x, y, sx is >= 0 and < Width && sy is >= 0 and < Height ? source.GetPixel(sx, sy) : background);
            }
        }
        return bent;
    }

    private static SKColor Dark(Random random) => new((byte)random.Next(0, 90), (byte)random.Next(0, 90), (byte)random.Next(0, 110));

    private static SKColor Light(Random random) => new((byte)random.Next(140, 220), (byte)random.Next(140, 220), (byte)random.Next(140, 220));

    private static SKTypeface LoadFace()
    {
        using var stream = typeof(CaptchaImage).Assembly.GetManifestResourceStream("CaptchaFont.ttf")
            ?? throw new InvalidOperationException("The captcha font is missing from the build.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        // Skia reads a face lazily: it gets its own copy of the bytes, kept for the life of the process.
        return SKTypeface.FromData(SKData.CreateCopy(copy.ToArray())) ?? throw new InvalidOperationException("The captcha font cannot be read.");
    }
}
