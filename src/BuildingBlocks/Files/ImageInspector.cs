using System.Buffers.Binary;

namespace VssId.BuildingBlocks.Files;

/// <summary>What an uploaded photo is, by its content (never by its name or Content-Type), and the bytes to store.</summary>
public sealed record InspectedImage(string ContentType, string Extension, int Width, int Height, ReadOnlyMemory<byte> Stripped);

/// <summary>
/// Recognises JPEG and PNG by their magic bytes, reads the dimensions from the header (so absurd sizes are
/// refused before anything decodes them), and strips metadata without re-encoding: a JPEG keeps its
/// JFIF, ICC, tables and image data and loses every other APPn segment (EXIF with GPS, XMP, maker notes)
/// and comments, wherever they are (between the scans of a progressive JPEG too), and everything after its
/// end-of-image marker (a Motion Photo's video, an appended payload) — its orientation is put back in a
/// minimal EXIF of one tag; a PNG loses its text, EXIF and time chunks and whatever follows IEND.
/// </summary>
public static class ImageInspector
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static readonly HashSet<string> PngKept = ["IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB", "iCCP", "sBIT", "pHYs", "bKGD"];

    /// <summary>
    /// The image, or null when the bytes are not a well-formed JPEG or PNG. Strips <paramref name="data"/> in
    /// place (what is kept moves towards the start; the stripped image is a slice of it), so a photo of several
    /// megabytes is never copied: an upload costs one pooled buffer, not a row of large-object allocations.
    /// </summary>
    public static InspectedImage? Inspect(Memory<byte> data)
    {
        var bytes = data.Span;
        if (bytes.Length > 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF)
        {
            return Jpeg(data);
        }
        return bytes.Length > 8 && bytes[..8].SequenceEqual(PngSignature) ? Png(data) : null;
    }

    /// <summary>Writes into the buffer being read, behind the reading position (Span.CopyTo is safe when they overlap).</summary>
    private ref struct InPlace(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;

        public int Length { get; private set; }

        public void Write(int from, int count)
        {
            _buffer.Slice(from, count).CopyTo(_buffer[Length..]);
            Length += count;
        }

        public void Write(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_buffer[Length..]);
            Length += bytes.Length;
        }
    }

    private static InspectedImage? Jpeg(Memory<byte> memory)
    {
        var data = memory.Span;
        var output = new InPlace(data);
        output.Write(0, 2);
        var position = 2;
        int width = 0, height = 0;
        ushort orientation = 1;
        bool scanned = false, ended = false;
        while (position + 2 <= data.Length)
        {
            if (data[position] != 0xFF)
            {
                return null;
            }
            var marker = data[position + 1];
            if (marker == 0xFF)
            {
                position++; // fill byte
                continue;
            }
            if (marker == 0xD9)
            {
                // End of image: whatever follows (a Motion Photo's video, an appended payload) is not kept.
                output.Write(position, 2);
                ended = true;
                break;
            }
            if (marker is 0xD8 or 0x01 or >= 0xD0 and <= 0xD7)
            {
                output.Write(position, 2);
                position += 2;
                continue;
            }
            if (position + 4 > data.Length)
            {
                return null;
            }
            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(position + 2)..]);
            if (length < 2 || position + 2 + length > data.Length)
            {
                return null;
            }
            var segment = data.Slice(position + 4, length - 2);
            if (marker == 0xDA)
            {
                // Start of scan. Before the first, the orientation goes back in a minimal EXIF: the EXIF segment that gave
                // it was dropped before, so it fits behind the reader — unless a crafted EXIF was shorter than it: then
                // the orientation is not kept rather than overwrite unread bytes.
                if (!scanned && orientation != 1 && output.Length + MinimalExifLength > position)
                {
                    orientation = 1;
                }
                if (!scanned && orientation != 1)
                {
                    output.Write(MinimalExif(orientation));
                }
                scanned = true;
                // The scan header, then its entropy-coded data up to the next marker; the walk goes on from there, so the
                // segments between the scans of a progressive JPEG are sorted like any other.
                var data0 = position + 2 + length;
                var next = NextMarker(data, data0);
                output.Write(position, next - position);
                position = next;
                continue;
            }
            var keep = marker switch
            {
                0xE0 => segment.StartsWith("JFIF\0"u8),
                0xE1 => false,
                0xE2 => segment.StartsWith("ICC_PROFILE\0"u8),
                >= 0xE3 and <= 0xEF => false,
                0xFE => false,
                _ => true,
            };
            if (marker == 0xE1 && segment.StartsWith("Exif\0\0"u8))
            {
                orientation = ReadOrientation(segment[6..]);
            }
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC && segment.Length >= 5)
            {
                height = BinaryPrimitives.ReadUInt16BigEndian(segment[1..]);
                width = BinaryPrimitives.ReadUInt16BigEndian(segment[3..]);
            }
            if (keep)
            {
                output.Write(position, 2 + length);
            }
            position += 2 + length;
        }
        // No scan or no end: not a whole JPEG.
        if (width == 0 || height == 0 || !scanned || !ended)
        {
            return null;
        }
        // Orientations 5–8 turn the picture a quarter: the displayed width is the stored height.
        var stripped = memory[..output.Length];
        return orientation >= 5
            ? new InspectedImage("image/jpeg", "jpg", height, width, stripped)
            : new InspectedImage("image/jpeg", "jpg", width, height, stripped);
    }

    /// <summary>
    /// Where entropy-coded data starting at <paramref name="from"/> ends: the first 0xFF that is neither a stuffed
    /// 0xFF00, a restart marker (part of the data), nor a fill byte before a marker; the end of the data if none.
    /// </summary>
    private static int NextMarker(ReadOnlySpan<byte> data, int from)
    {
        var i = from;
        while (true)
        {
            var found = data[i..].IndexOf((byte)0xFF);
            if (found < 0)
            {
                return data.Length;
            }
            i += found;
            if (i + 1 >= data.Length)
            {
                return data.Length;
            }
            var after = data[i + 1];
            if (after == 0x00 || after is >= 0xD0 and <= 0xD7)
            {
                i += 2;
                continue;
            }
            return i;
        }
    }

    private static ushort ReadOrientation(ReadOnlySpan<byte> tiff)
    {
        if (tiff.Length < 8)
        {
            return 1;
        }
        var little = tiff[0] == (byte)'I';
        ushort U16(ReadOnlySpan<byte> s) => little ? BinaryPrimitives.ReadUInt16LittleEndian(s) : BinaryPrimitives.ReadUInt16BigEndian(s);
        uint U32(ReadOnlySpan<byte> s) => little ? BinaryPrimitives.ReadUInt32LittleEndian(s) : BinaryPrimitives.ReadUInt32BigEndian(s);
        var ifd = U32(tiff[4..]);
        if ((long)ifd + 2 > tiff.Length) // long: an offset near 2^32 must not wrap round
        {
            return 1;
        }
        var count = U16(tiff[(int)ifd..]);
        for (var i = 0; i < count; i++)
        {
            var entry = (int)ifd + 2 + (i * 12);
            if (entry + 12 > tiff.Length)
            {
                break;
            }
            if (U16(tiff[entry..]) == 0x0112)
            {
                var value = U16(tiff[(entry + 8)..]);
                return value is >= 1 and <= 8 ? value : (ushort)1;
            }
        }
        return 1;
    }

    private const int MinimalExifLength = 36;

    private static byte[] MinimalExif(ushort orientation)
    {
        // APP1 "Exif\0\0", big-endian TIFF header, one IFD with the Orientation tag only.
        byte[] exif =
        [
            0xFF, 0xE1, 0x00, 0x22, (byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0,
            (byte)'M', (byte)'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08,
            0x00, 0x01, 0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, (byte)orientation, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
        ];
        return exif;
    }

    private static InspectedImage? Png(Memory<byte> memory)
    {
        var data = memory.Span;
        var output = new InPlace(data);
        output.Write(0, 8);
        var position = 8;
        int width = 0, height = 0;
        var ended = false;
        while (position + 12 <= data.Length && !ended)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(data[position..]);
            if (length > int.MaxValue - 12 || position + 12 + (long)length > data.Length)
            {
                return null;
            }
            var type = System.Text.Encoding.ASCII.GetString(data.Slice(position + 4, 4));
            if (type == "IHDR" && length >= 8)
            {
                width = (int)BinaryPrimitives.ReadUInt32BigEndian(data[(position + 8)..]);
                height = (int)BinaryPrimitives.ReadUInt32BigEndian(data[(position + 12)..]);
            }
            if (PngKept.Contains(type))
            {
                output.Write(position, 12 + (int)length);
            }
            ended = type == "IEND";
            position += 12 + (int)length;
        }
        return ended && width > 0 && height > 0 ? new InspectedImage("image/png", "png", width, height, memory[..output.Length]) : null;
    }
}
