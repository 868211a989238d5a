namespace VssId.Modules.Reference.Contracts;

/// <summary>A receiving BHXH office as other modules see it.</summary>
public sealed record OfficeInfo(
    string Code,
    string Name,
    string Level,
    string LegacyProvinceCode,
    string? LegacyDistrictCode,
    bool Derived,
    DateOnly? ValidFrom,
    DateOnly? ValidTo);

/// <summary>Lets other modules check an office code.</summary>
public interface IOfficeCatalog
{
    /// <summary>The office with <paramref name="code"/> that accepts applications on <paramref name="on"/>, or null.</summary>
    OfficeInfo? FindActive(string code, DateOnly on);
}

/// <summary>Lets other modules check a rejection or needs-information reason.</summary>
public interface IRejectionReasonCatalog
{
    /// <summary>The reason with <paramref name="code"/>, or null.</summary>
    RejectionReasonInfo? Find(string code);
}

/// <summary>A reason an officer may give, in both languages, with the decision it fits.</summary>
public sealed record RejectionReasonInfo(string Code, string Vi, string En, bool AllowsResubmission);
