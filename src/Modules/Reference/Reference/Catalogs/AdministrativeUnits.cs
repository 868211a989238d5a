using System.Collections.Frozen;
using System.Text.Json;
using VssId.Modules.Reference.Contracts;

namespace VssId.Modules.Reference.Catalogs;

internal sealed record AdminUnit(string Code, string Name, string FullName);

internal sealed record LegacyDistrict(AdminUnit Unit, string ProvinceCode, IReadOnlyList<AdminUnit> Wards);

internal sealed record LegacyProvince(AdminUnit Unit, IReadOnlyList<LegacyDistrict> Districts);

internal sealed record Province2025(AdminUnit Unit, IReadOnlyList<AdminUnit> Wards);

/// <summary>
/// Both address catalogs and the legacy → 2025 mapping, loaded once from the embedded files and kept in
/// memory: they change only by a new release of the data, and every read is a dictionary lookup.
/// Codes are reused with other meanings across catalogs (ward 00004), so every lookup names its catalog.
/// </summary>
internal sealed class AdministrativeUnits : IAddressCatalog
{
    private static readonly Lazy<AdministrativeUnits> Shared = new(Load);

    public static AdministrativeUnits Instance => Shared.Value;

    public required IReadOnlyList<LegacyProvince> LegacyProvinces { get; init; }
    public required IReadOnlyList<Province2025> Provinces2025 { get; init; }
    public required FrozenDictionary<string, LegacyProvince> LegacyProvinceByCode { get; init; }
    public required FrozenDictionary<string, LegacyDistrict> LegacyDistrictByCode { get; init; }
    public required FrozenDictionary<string, (AdminUnit Ward, LegacyDistrict District)> LegacyWardByCode { get; init; }
    public required FrozenDictionary<string, Province2025> Province2025ByCode { get; init; }
    public required FrozenDictionary<string, (AdminUnit Ward, string ProvinceCode)> Ward2025ByCode { get; init; }

    /// <summary>Legacy province → the 2025 province it became part of (every one went whole into one).</summary>
    public required FrozenDictionary<string, string> ProvinceMapping { get; init; }

    /// <summary>Legacy ward → the 2025 ward, only where it went into exactly one.</summary>
    public required FrozenDictionary<string, string> UnambiguousWardMapping { get; init; }

    public AddressResolution Resolve(AddressCodes address)
    {
        return address.Catalog switch
        {
            AddressCatalogs.Current => Resolve2025(address),
            AddressCatalogs.Legacy => ResolveLegacy(address),
            _ => Error("catalog", "address.catalog_unknown"),
        };
    }

    public bool IsLegacyProvinceCode(string code) => LegacyProvinceByCode.ContainsKey(code ?? "");

    private AddressResolution Resolve2025(AddressCodes address)
    {
        if (!Province2025ByCode.TryGetValue(address.ProvinceCode ?? "", out var province))
        {
            return Error("provinceCode", "address.province_unknown");
        }
        if (!string.IsNullOrEmpty(address.DistrictCode))
        {
            return Error("districtCode", "address.district_not_in_catalog");
        }
        if (!Ward2025ByCode.TryGetValue(address.WardCode ?? "", out var ward) || ward.ProvinceCode != province.Unit.Code)
        {
            return Error("wardCode", "address.ward_unknown");
        }
        return new(new ResolvedAddress(AddressCatalogs.Current, province.Unit.Code, province.Unit.FullName, null, null,
            ward.Ward.Code, ward.Ward.FullName, province.Unit.Code, ward.Ward.Code), null, null);
    }

    private AddressResolution ResolveLegacy(AddressCodes address)
    {
        if (!LegacyProvinceByCode.TryGetValue(address.ProvinceCode ?? "", out var province))
        {
            return Error("provinceCode", "address.province_unknown");
        }
        if (string.IsNullOrEmpty(address.DistrictCode))
        {
            return Error("districtCode", "address.district_required");
        }
        if (!LegacyDistrictByCode.TryGetValue(address.DistrictCode, out var district) || district.ProvinceCode != province.Unit.Code)
        {
            return Error("districtCode", "address.district_unknown");
        }
        if (!LegacyWardByCode.TryGetValue(address.WardCode ?? "", out var ward) || ward.District.Unit.Code != district.Unit.Code)
        {
            return Error("wardCode", "address.ward_unknown");
        }
        UnambiguousWardMapping.TryGetValue(ward.Ward.Code, out var mappedWard);
        ProvinceMapping.TryGetValue(province.Unit.Code, out var mappedProvince);
        return new(new ResolvedAddress(AddressCatalogs.Legacy, province.Unit.Code, province.Unit.FullName,
            district.Unit.Code, district.Unit.FullName, ward.Ward.Code, ward.Ward.FullName,
            mappedProvince, mappedWard), null, null);
    }

    private static AddressResolution Error(string field, string code) => new(null, field, code);

    private static AdministrativeUnits Load()
    {
        var options = new JsonSerializerOptions { PropertyNameCaseInsensitive = true };
        var legacy = (Read<List<LegacyProvinceJson>>("units-legacy.json", options))
            .Select(p => new LegacyProvince(p.ToUnit(), p.District.Select(d => new LegacyDistrict(d.ToUnit(), p.Code,
                (d.Ward ?? []).Select(w => w.ToUnit()).ToArray())).ToArray()))
            .ToArray();
        var current = Read<List<Province2025Json>>("units-2025.json", options)
            .Select(p => new Province2025(p.ToUnit(), p.Wards.Select(w => w.ToUnit()).ToArray()))
            .ToArray();
        var splits = Read<SplitsJson>("mapping-splits.json", new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });

        return new AdministrativeUnits
        {
            LegacyProvinces = legacy,
            Provinces2025 = current,
            LegacyProvinceByCode = legacy.ToFrozenDictionary(p => p.Unit.Code),
            LegacyDistrictByCode = legacy.SelectMany(p => p.Districts).ToFrozenDictionary(d => d.Unit.Code),
            LegacyWardByCode = legacy.SelectMany(p => p.Districts).SelectMany(d => d.Wards.Select(w => (w, d)))
                .ToFrozenDictionary(x => x.w.Code, x => (x.w, x.d)),
            Province2025ByCode = current.ToFrozenDictionary(p => p.Unit.Code),
            Ward2025ByCode = current.SelectMany(p => p.Wards.Select(w => (w, p.Unit.Code)))
                .ToFrozenDictionary(x => x.w.Code, x => (x.w, x.Code)),
            ProvinceMapping = splits.Data.Where(p => p.Splits.Count == 1)
                .ToFrozenDictionary(p => p.Level1Id, p => p.Splits[0].NewId),
            UnambiguousWardMapping = splits.Data.SelectMany(p => p.Level3s).Where(w => w.Splits.Count == 1)
                .DistinctBy(w => w.Level3Id)
                .ToFrozenDictionary(w => w.Level3Id, w => w.Splits[0].NewId),
        };
    }

    internal static T Read<T>(string resource, JsonSerializerOptions options)
    {
        using var stream = typeof(AdministrativeUnits).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded reference file {resource} is missing from the build.");
        return JsonSerializer.Deserialize<T>(stream, options)
            ?? throw new InvalidOperationException($"Embedded reference file {resource} is empty.");
    }

    private record UnitJson(string Code, string Name, string FullName)
    {
        public AdminUnit ToUnit() => new(Code, Name, FullName);
    }

    private sealed record LegacyProvinceJson(string Code, string Name, string FullName, List<LegacyDistrictJson> District)
        : UnitJson(Code, Name, FullName);

    private sealed record LegacyDistrictJson(string Code, string Name, string FullName, List<UnitJson>? Ward)
        : UnitJson(Code, Name, FullName);

    private sealed record Province2025Json(string Code, string Name, string FullName, List<UnitJson> Wards)
        : UnitJson(Code, Name, FullName);

    private sealed record SplitsJson(List<SplitProvinceJson> Data);

    private sealed record SplitProvinceJson(string Level1Id, List<SplitTargetJson> Splits, List<SplitWardJson> Level3s);

    private sealed record SplitWardJson(string Level3Id, List<SplitTargetJson> Splits);

    private sealed record SplitTargetJson(string NewId);
}
