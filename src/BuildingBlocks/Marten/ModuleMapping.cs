using Marten;

namespace VssId.BuildingBlocks.Marten;

/// <summary>
/// The Marten conventions of a module: its documents live in a schema named after the module, and its
/// events are stored under stable aliases "module.event_name", so renaming a CLR type never orphans
/// stored events.
/// </summary>
public sealed class ModuleMapping(StoreOptions options, string module)
{
    /// <summary>Maps a document into the module's schema.</summary>
    public MartenRegistry.DocumentMappingExpression<T> Document<T>() =>
        options.Schema.For<T>().DatabaseSchemaName(module);

    /// <summary>Registers an event type under the alias <c>{module}.{name}</c>.</summary>
    public ModuleMapping Event<T>(string name) where T : class
    {
        options.Events.MapEventType<T>($"{module}.{name}");
        return this;
    }
}

/// <summary>Entry point of <see cref="ModuleMapping"/>.</summary>
public static class ModuleMappingExtensions
{
    /// <summary>The conventions for <paramref name="module"/>.</summary>
    public static ModuleMapping ForModule(this StoreOptions options, string module) => new(options, module);
}
