using System.Buffers;
using JasperFx;
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

    /// <summary>
    /// Reads the body into one pooled buffer (dispose it when the upload is handled): at most 5 MiB, anything
    /// longer refused as soon as it is seen. Photos are large objects; allocating them afresh on every upload
    /// (and copying them while growing a stream) made the garbage collector the upload's main cost.
    /// </summary>
    public static async Task<PhotoBody> ReadBody(HttpRequest request, ProblemType tooLarge, CancellationToken ct)
    {
        if (request.ContentLength > MaxBytes)
        {
            throw new ProblemException(tooLarge);
        }
        var buffer = ArrayPool<byte>.Shared.Rent(request.ContentLength is { } length ? (int)length + 1 : MaxBytes + 1);
        var body = new PhotoBody(buffer);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(body.Length, Math.Min(buffer.Length, MaxBytes + 1) - body.Length), ct)) > 0)
            {
                body.Length += read;
                if (body.Length > MaxBytes)
                {
                    throw new ProblemException(tooLarge);
                }
                if (body.Length == buffer.Length)
                {
                    // A Content-Length that understated the body: grow once to the limit.
                    var larger = ArrayPool<byte>.Shared.Rent(MaxBytes + 1);
                    buffer.AsSpan(0, body.Length).CopyTo(larger);
                    body.Replace(larger);
                    buffer = larger;
                }
            }
            return body;
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    /// <summary>The photo to store, or a problem: <paramref name="notImage"/> for anything but a JPEG or PNG, <paramref name="tooSmall"/> for bad dimensions.</summary>
    public static InspectedImage Inspect(Memory<byte> content, ProblemType notImage, ProblemType tooSmall)
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

    /// <summary>
    /// A name for one upload's file, used by no other upload. Deleting a file is then always safe: a replaced photo's
    /// file cannot be the one a later upload of the same picture wrote (with names made from the content, photo A,
    /// then B, then A again had the reaction to B delete the file the third upload had just written), and a losing
    /// upload's file is its own. A random name also tells nothing about the picture.
    /// </summary>
    public static string NewKey(string folder, string kind, string extension) => $"{folder}/{kind}-{Guid.NewGuid():N}.{extension}";

    /// <summary>
    /// Writes the file first and commits the event that names it second, so an event never names a missing file. When
    /// the commit loses a race with another write to the stream, nothing was recorded and the file is deleted, or every
    /// lost race would leave up to 5 MiB behind (uploads that lose do not count against the upload budget). Any other
    /// failure leaves the file: the commit may have happened.
    /// </summary>
    public static async Task StoreThenRecord(IFileStore files, string key, ReadOnlyMemory<byte> content, Func<Task> record, CancellationToken ct)
    {
        await files.Save(key, content, ct);
        try
        {
            await record();
        }
        catch (ConcurrencyException)
        {
            await files.Delete(key, CancellationToken.None);
            throw;
        }
    }
}

/// <summary>An uploaded body in a pooled buffer; <see cref="Content"/> is valid until disposed.</summary>
public sealed class PhotoBody(byte[] buffer) : IDisposable
{
    private byte[]? _buffer = buffer;

    public int Length { get; internal set; }

    public Memory<byte> Content => (_buffer ?? throw new ObjectDisposedException(nameof(PhotoBody))).AsMemory(0, Length);

    internal void Replace(byte[] larger)
    {
        ArrayPool<byte>.Shared.Return(_buffer!);
        _buffer = larger;
    }

    public void Dispose()
    {
        if (_buffer is { } returned)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(returned);
        }
    }
}
