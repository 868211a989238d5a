namespace VssId.BuildingBlocks.Files;

/// <summary>Where local data lives by default: the ignored <c>.data/</c> folder beside VssId.sln.</summary>
public static class RepositoryPaths
{
    /// <summary><c>.data/<paramref name="name"/></c> beside the VssId.sln found above <paramref name="contentRoot"/>, else under the content root.</summary>
    public static string DataDirectory(string contentRoot, string name)
    {
        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VssId.sln")))
            {
                return Path.Combine(dir.FullName, ".data", name);
            }
        }
        return Path.Combine(contentRoot, ".data", name);
    }
}
