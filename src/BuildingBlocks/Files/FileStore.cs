using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace VssId.BuildingBlocks.Files;

/// <summary>
/// Where uploaded files (ID photos, birth certificates) live. The key is chosen by the module; the
/// content never passes through a log. Swap the implementation for object storage in production.
/// </summary>
public interface IFileStore
{
    /// <summary>Stores <paramref name="content"/> under <paramref name="key"/>, overwriting (a photo's key is new for each upload, PhotoUpload.NewKey).</summary>
    Task Save(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>The content under <paramref name="key"/>, or null.</summary>
    Task<byte[]?> Read(string key, CancellationToken cancellationToken);

    /// <summary>Deletes the file under <paramref name="key"/>; a missing one is no error (deletes are retried).</summary>
    Task Delete(string key, CancellationToken cancellationToken);
}

/// <summary>
/// The default store: files under <c>FileStore:Root</c> (default <c>.data/files</c> beside VssId.sln),
/// written to a temporary name and renamed, so a crash never leaves half a file under a key.
/// </summary>
public sealed class FileSystemFileStore : IFileStore
{
    private readonly string _root;

    public FileSystemFileStore(IConfiguration configuration, IHostEnvironment environment)
    {
        _root = Path.GetFullPath(configuration["FileStore:Root"] is { Length: > 0 } root ? root : RepositoryPaths.DataDirectory(environment.ContentRootPath, "files"));
    }

    public async Task Save(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.WriteThrough))
        {
            await file.WriteAsync(content, cancellationToken);
        }
        File.Move(temporary, path, overwrite: true);
    }

    public async Task<byte[]?> Read(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken) : null;
    }

    public Task Delete(string key, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(key));
        return Task.CompletedTask;
    }

    private string PathOf(string key)
    {
        if (key.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(key))
        {
            throw new ArgumentException("A file key is a relative path without '..'.", nameof(key));
        }
        return Path.Combine(_root, key);
    }
}
