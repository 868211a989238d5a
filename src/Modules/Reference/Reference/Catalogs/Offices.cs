using System.Collections.Frozen;
using VssId.Modules.Reference.Contracts;

namespace VssId.Modules.Reference.Catalogs;

/// <summary>
/// The receiving-office catalog seeded at start. Hà Nội comes from the real office list; no national
/// list is public, so every other province gets offices derived in the same code shape — "0" + the
/// legacy province code for the provincial office, then two digits per district in district-code
/// order — named after the unit and marked <see cref="OfficeInfo.Derived"/> until administrators import
/// the official list. The seed has no end date: it stays current until such an import.
/// </summary>
internal sealed class Offices : IOfficeCatalog
{
    public const string ProvinceLevel = "province";
    public const string DistrictLevel = "district";

    private static readonly Lazy<Offices> Shared = new(() => Seed(AdministrativeUnits.Instance));

    public static Offices Instance => Shared.Value;

    public required IReadOnlyList<OfficeInfo> All { get; init; }
    public required FrozenDictionary<string, OfficeInfo> ByCode { get; init; }
    public required FrozenDictionary<string, OfficeInfo[]> ByLegacyProvince { get; init; }

    public OfficeInfo? FindActive(string code, DateOnly on) =>
        ByCode.TryGetValue(code ?? "", out var office)
        && (office.ValidFrom is null || office.ValidFrom <= on)
        && (office.ValidTo is null || on <= office.ValidTo)
            ? office
            : null;

    /// <summary>
    /// The seed with the administrators' imported offices laid over it: an imported code replaces the seeded
    /// office of that code (with its validity dates), a new code is added.
    /// </summary>
    public Offices With(IReadOnlyCollection<OfficeInfo> imported)
    {
        var byCode = imported.ToDictionary(o => o.Code);
        var offices = All.Where(o => !byCode.ContainsKey(o.Code)).Concat(imported).ToList();
        return Index(offices);
    }

    private static Offices Index(List<OfficeInfo> offices) => new()
    {
        All = offices,
        ByCode = offices.ToFrozenDictionary(o => o.Code),
        ByLegacyProvince = offices.GroupBy(o => o.LegacyProvinceCode).ToFrozenDictionary(g => g.Key, g => g.ToArray()),
    };

    public static Offices Seed(AdministrativeUnits units)
    {
        var haNoi = ReadHaNoi();
        var offices = new List<OfficeInfo>(haNoi);
        foreach (var province in units.LegacyProvinces.Where(p => haNoi.All(o => o.LegacyProvinceCode != p.Unit.Code)))
        {
            var provinceOffice = "0" + province.Unit.Code;
            offices.Add(new OfficeInfo(provinceOffice, "BHXH " + province.Unit.FullName, ProvinceLevel,
                province.Unit.Code, null, Derived: true, null, null));
            var sequence = 0;
            foreach (var district in province.Districts.OrderBy(d => d.Unit.Code, StringComparer.Ordinal))
            {
                sequence++;
                offices.Add(new OfficeInfo($"{provinceOffice}{sequence:00}", "BHXH " + district.Unit.FullName, DistrictLevel,
                    province.Unit.Code, district.Unit.Code, Derived: true, null, null));
            }
        }
        return Index(offices);
    }

    private static List<OfficeInfo> ReadHaNoi()
    {
        using var stream = typeof(Offices).Assembly.GetManifestResourceStream("offices-ha-noi-legacy.csv")
            ?? throw new InvalidOperationException("Embedded office list is missing from the build.");
        using var reader = new StreamReader(stream);
        var offices = new List<OfficeInfo>();
        reader.ReadLine(); // header: officeCode,officeName,provinceCode,districtCode
        while (reader.ReadLine() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            var f = line.Split(',');
            var district = f[3].Trim();
            offices.Add(new OfficeInfo(f[0].Trim(), f[1].Trim(), district.Length == 0 ? ProvinceLevel : DistrictLevel,
                f[2].Trim(), district.Length == 0 ? null : district, Derived: false, null, null));
        }
        return offices;
    }
}
