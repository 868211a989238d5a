using VssId.Modules.Approval.ReadModels;

namespace VssId.Modules.Approval.Domain;

/// <summary>The verdict on one declared field against the registry.</summary>
public static class Verdicts
{
    public const string Match = "match";
    public const string Mismatch = "mismatch";
    public const string NotInRegistry = "not_in_registry";
}

/// <summary>How a declaration compares with the insured-person registry, field by field.</summary>
public sealed record RegistryCheck(bool Found, string FullName, string DateOfBirth, string Gender)
{
    public bool AllMatch => Found && FullName == Verdicts.Match && DateOfBirth == Verdicts.Match && Gender == Verdicts.Match;

    /// <summary>Names compare ignoring case, spacing and diacritics ("NGUYỄN  văn an" = "Nguyen Van An").</summary>
    public static RegistryCheck Of(CaseDeclaration declaration, RegistryPerson? person) => person is null
        ? new RegistryCheck(false, Verdicts.NotInRegistry, Verdicts.NotInRegistry, Verdicts.NotInRegistry)
        : new RegistryCheck(true,
            Registry.Comparable(person.FullName) == Registry.Comparable(declaration.FullName) ? Verdicts.Match : Verdicts.Mismatch,
            person.DateOfBirth == declaration.DateOfBirth ? Verdicts.Match : Verdicts.Mismatch,
            person.Gender == declaration.Gender ? Verdicts.Match : Verdicts.Mismatch);
}
