using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using VssId.BuildingBlocks.Errors;

namespace VssId.BuildingBlocks.Http;

/// <summary>
/// The largest body a route accepts, where it is not the platform's JSON default, and the problem it
/// answers beyond it (an upload keeps its own code, e.g. <c>document.too_large</c>).
/// </summary>
public sealed record BodyLimit(long Bytes, ProblemType? Problem = null);

public static class BodyLimits
{
    /// <summary>
    /// The default for every route that declares no <see cref="BodyLimit"/>: the largest JSON body of this
    /// API (a declaration with a long address) is a few kilobytes.
    /// </summary>
    public const long DefaultBytes = 64 * 1024;

    /// <summary>Accepts bodies up to <paramref name="bytes"/> on this route (uploads, CSV imports, rosters).</summary>
    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, long bytes, ProblemType? problem = null) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new BodyLimit(bytes, problem));
}

/// <summary>
/// Caps each request body at its route's limit before anything reads it (the idempotency hash, model
/// binding): 413 at once when the declared length is over, and a chunked body is cut off when it
/// passes the limit. Kestrel's own 30 MB default would otherwise let any JSON route take 30 MB.
/// </summary>
public sealed class BodyLimitMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext http)
    {
        var route = http.GetEndpoint()?.Metadata.GetMetadata<BodyLimit>();
        var limit = route?.Bytes ?? BodyLimits.DefaultBytes;
        if (http.Request.ContentLength > limit)
        {
            return ProblemWriter.WriteAsync(http, route?.Problem ?? CommonProblems.TooLarge);
        }
        // Kestrel enforces the limit itself (413 through the exception handler); a host without the feature
        // (the test server) gets a stream that does the same.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }
        else if (http.Request.ContentLength is null)
        {
            http.Request.Body = new CappedStream(http.Request.Body, limit, route?.Problem ?? CommonProblems.TooLarge);
        }
        return next(http);
    }

    private sealed class CappedStream(Stream inner, long limit, ProblemType problem) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int read)
        {
            _read += read;
            return _read > limit ? throw new ProblemException(problem) : read;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
