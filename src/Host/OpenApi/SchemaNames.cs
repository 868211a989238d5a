using System.Collections.Frozen;

namespace VssId.Host.OpenApi;

/// <summary>
/// Schema names a client generator turns into class names: the type's own name
/// (<c>StartApplicationResponse</c>), prefixed with its module only when two modules use the same name.
/// </summary>
internal static class SchemaNames
{
    private static readonly Lazy<FrozenSet<string>> Clashing = new(() => AppDomain.CurrentDomain.GetAssemblies()
        // The Host's own assemblies only (a test assembly loaded beside them has its own types of these names).
        .Where(a => a.GetName().Name is { } n && (n.StartsWith("VssId.Modules.", StringComparison.Ordinal) || n == "VssId.BuildingBlocks"))
        .SelectMany(a => a.GetExportedTypes())
        .GroupBy(t => t.Name)
        .Where(g => g.Select(t => Module(t)).Distinct().Count() > 1)
        .Select(g => g.Key)
        .ToFrozenSet());

    public static string For(Type type)
    {
        var name = type.IsGenericType ? type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)] + string.Concat(type.GetGenericArguments().Select(For)) : type.Name;
        return Clashing.Value.Contains(type.Name) ? Module(type) + name : name;
    }

    // VssId.Modules.Registration.Features.X → Registration; BuildingBlocks and the Host have no prefix.
    private static string Module(Type type)
    {
        var parts = type.Namespace?.Split('.') ?? [];
        return parts.Length > 2 && parts[1] == "Modules" ? parts[2] : "";
    }
}
