using System.Reflection;
using NetArchTest.Rules;
using VssId.BuildingBlocks.Modules;
using VssId.Host.Platform;

namespace VssId.Tests.Architecture;

/// <summary>The modular monolith's rules, checked on the compiled assemblies.</summary>
public sealed class ModuleBoundaryTests
{
    private static readonly Assembly[] ModuleAssemblies = VssIdModules.All.Select(m => m.GetType().Assembly).ToArray();

    private static readonly Assembly[] ContractAssemblies = ModuleAssemblies
        .Select(a => Assembly.Load(a.GetName().Name + ".Contracts"))
        .ToArray();

    public static TheoryData<string> Modules => new(ModuleAssemblies.Select(a => a.GetName().Name!));

    public static TheoryData<string> Contracts => new(ContractAssemblies.Select(a => a.GetName().Name!));

    [Fact]
    public void Every_module_has_its_contracts_assembly() =>
        Assert.Equal(VssIdModules.All.Count, ContractAssemblies.Length);

    [Theory]
    [MemberData(nameof(Modules))]
    public void A_module_references_only_BuildingBlocks_and_contracts(string module)
    {
        var references = Assembly.Load(module).GetReferencedAssemblies()
            .Select(r => r.Name!)
            .Where(n => n.StartsWith("VssId.", StringComparison.Ordinal));
        Assert.All(references, name => Assert.True(
            name == "VssId.BuildingBlocks" || name.EndsWith(".Contracts", StringComparison.Ordinal),
            $"{module} references {name}: other modules are reachable only through their Contracts"));
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void A_module_uses_no_other_modules_internals(string module)
    {
        var others = ModuleAssemblies.Select(a => a.GetName().Name!).Where(n => n != module)
            .SelectMany(n => Types.InAssembly(Assembly.Load(n)).GetTypes().Select(t => t.ReflectionType.FullName!))
            // Full type names, not namespaces: the dependency match is by prefix, and a module's root
            // namespace is a prefix of its Contracts' namespace.
            .Where(name => name is not null && !name.Contains(".Contracts.", StringComparison.Ordinal))
            .Distinct()
            .ToArray();
        var result = Types.InAssembly(Assembly.Load(module)).ShouldNot().HaveDependencyOnAny(others).GetResult();
        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypes?.Select(t => t.FullName) ?? []));
    }

    [Theory]
    [MemberData(nameof(Contracts))]
    public void Contracts_hold_only_public_records_interfaces_enums_and_constants(string contracts)
    {
        var types = Assembly.Load(contracts).GetTypes().Where(t => !t.IsNested && !t.Name.StartsWith('<')).ToArray();
        Assert.All(types, t =>
        {
            Assert.True(t.IsPublic, $"{t.FullName} must be public");
            var isRecord = t.GetMethod("<Clone>$") is not null;
            var isConstants = t is { IsAbstract: true, IsSealed: true } && t.GetFields().All(f => f.IsLiteral);
            Assert.True(isRecord || t.IsInterface || t.IsEnum || isConstants, $"{t.FullName} must be a record, an interface, an enum or a class of constants");
        });
        var result = Types.InAssembly(Assembly.Load(contracts)).ShouldNot()
            .HaveDependencyOnAny("Marten", "JasperFx", "Hangfire", "Microsoft.AspNetCore", "Npgsql", "VssId.BuildingBlocks", "VssId.Host")
            .GetResult();
        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypes?.Select(t => t.FullName) ?? []));
    }

    [Theory]
    [MemberData(nameof(Modules))]
    public void Domain_code_has_no_ASP_NET_Marten_or_Hangfire_dependency(string module)
    {
        var result = Types.InAssembly(Assembly.Load(module))
            .That().ResideInNamespaceContaining(".Domain")
            // Marten's source generator puts its evolver beside the aggregate; it is not our domain code.
            .And().DoNotHaveNameStartingWith("<")
            .ShouldNot().HaveDependencyOnAny("Microsoft.AspNetCore", "Marten", "JasperFx", "Hangfire", "Npgsql", "Mediator")
            .GetResult();
        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypes?.Select(t => t.FullName) ?? []));
    }

    [Fact]
    public void BuildingBlocks_knows_no_module() =>
        Assert.DoesNotContain(typeof(IModule).Assembly.GetReferencedAssemblies(), r => r.Name!.StartsWith("VssId.Modules", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(Modules))]
    public void Handlers_and_endpoints_are_sealed(string module)
    {
        var result = Types.InAssembly(Assembly.Load(module))
            .That().ImplementInterface(typeof(Mediator.IQueryHandler<,>))
            .Or().ImplementInterface(typeof(Mediator.ICommandHandler<,>))
            .Or().ImplementInterface<IEndpoint>()
            .Should().BeSealed()
            .GetResult();
        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypes?.Select(t => t.FullName) ?? []));
    }

    // A use case reads top-down in its own folder: what two features share lives beside them in Features/
    // (or in Domain/, ReadModels/), never in another feature's namespace.
    [Theory]
    [MemberData(nameof(Modules))]
    public void No_feature_depends_on_another_features_namespace(string module)
    {
        var assembly = Assembly.Load(module);
        var features = assembly.GetTypes()
            .Select(t => t.Namespace ?? "")
            .Select(n => n.Split('.'))
            .Where(parts => Array.IndexOf(parts, "Features") is var i && i >= 0 && i + 1 < parts.Length)
            .Select(parts => string.Join('.', parts[..(Array.IndexOf(parts, "Features") + 2)]))
            .Distinct()
            .ToArray();
        foreach (var feature in features)
        {
            var others = features.Where(f => f != feature).ToArray();
            if (others.Length == 0)
            {
                continue;
            }
            var result = Types.InAssembly(assembly).That().ResideInNamespaceMatching("^" + System.Text.RegularExpressions.Regex.Escape(feature) + "$")
                .ShouldNot().HaveDependencyOnAny(others).GetResult();
            Assert.True(result.IsSuccessful, $"{feature} depends on another feature: {string.Join(", ", result.FailingTypes?.Select(t => t.FullName) ?? [])}");
        }
    }

    // Every endpoint sends a command or query: no handler logic in endpoint lambdas reaching for the database.
    [Theory]
    [MemberData(nameof(Modules))]
    public void Endpoints_do_not_touch_the_database(string module)
    {
        var result = Types.InAssembly(Assembly.Load(module)).That().ImplementInterface<IEndpoint>()
            .ShouldNot().HaveDependencyOnAny("Marten", "Npgsql", "Hangfire").GetResult();
        Assert.True(result.IsSuccessful, $"Endpoints that reach the database directly: {string.Join(", ", result.FailingTypes?.Select(t => t.FullName) ?? [])}");
    }
}
