using Microsoft.AspNetCore.Http;
using VssId.BuildingBlocks.Errors;

namespace VssId.BuildingBlocks.Files;

/// <summary>
/// The rules every photo upload follows (an adult's ID photos, a child's birth certificate): the body is the
/// image itself, at most 5 MiB, JPEG or PNG by content, at least 600×400 (either way round) and at most
/// 40 megapixels, metadata stripped (<see cref="ImageInspector"/>). Each module names its own problem codes.
/// </summary>
public static class PhotoUpload
{
    public const int MaxBytes = 5 * 1024 * 1024;

    /// <summary>Reads at most 5 MiB + 1 byte: anything longer is refused without buffering it whole.</summary>
    public static async Task<byte[]> ReadBody(HttpRequest request, ProblemType tooLarge, CancellationToken ct)
    {
        if (request.ContentLength > MaxBytes)
        {
            throw new ProblemException(tooLarge);
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                throw new ProblemException(tooLarge);
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>The photo to store, or a problem: <paramref name="notImage"/> for anything but a JPEG or PNG, <paramref name="tooSmall"/> for bad dimensions.</summary>
    public static InspectedImage Inspect(byte[] content, ProblemType notImage, ProblemType tooSmall)
    {
        var image = ImageInspector.Inspect(content) ?? throw new ProblemException(notImage);
        var large = Math.Max(image.Width, image.Height);
        var small = Math.Min(image.Width, image.Height);
        if (large < 600 || small < 400 || (long)image.Width * image.Height > 40_000_000)
        {
            throw new ProblemException(tooSmall,
                new LocalizedText($"Ảnh có kích thước {image.Width}×{image.Height}.", $"The image is {image.Width}×{image.Height}."));
        }
        return image;
    }
}
