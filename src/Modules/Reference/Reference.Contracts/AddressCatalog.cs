namespace VssId.Modules.Reference.Contracts;

/// <summary>The address catalogs: <c>2025</c> (two levels, from 01/07/2025) and <c>legacy</c> (three levels).</summary>
public static class AddressCatalogs
{
    /// <summary>The two-level catalog in force from 01/07/2025.</summary>
    public const string Current = "2025";

    /// <summary>The three-level catalog in force until 30/06/2025.</summary>
    public const string Legacy = "legacy";
}

/// <summary>An address as declared: codes of the catalog it names.</summary>
public sealed record AddressCodes(string Catalog, string ProvinceCode, string? DistrictCode, string WardCode);

/// <summary>
/// The outcome of checking an address: either the names of its units (and, for a legacy address whose
/// ward went into exactly one 2025 ward, that ward), or the field that is wrong and a stable error code.
/// </summary>
public sealed record AddressResolution(ResolvedAddress? Address, string? ErrorField, string? ErrorCode)
{
    /// <summary>True when every code exists in the catalog and the units are consistent.</summary>
    public bool IsValid => Address is not null;
}

/// <summary>The full names of a valid address's units, and its 2025 equivalent when unambiguous.</summary>
public sealed record ResolvedAddress(
    string Catalog,
    string ProvinceCode,
    string ProvinceFullName,
    string? DistrictCode,
    string? DistrictFullName,
    string WardCode,
    string WardFullName,
    string? Mapped2025ProvinceCode,
    string? Mapped2025WardCode);

/// <summary>Lets other modules check an address against the catalogs without seeing them.</summary>
public interface IAddressCatalog
{
    /// <summary>Checks the codes of <paramref name="address"/>; never throws for bad input.</summary>
    AddressResolution Resolve(AddressCodes address);

    /// <summary>True for the 2-digit code of one of the 63 legacy provinces (CCCD numbers start with it, zero-padded).</summary>
    bool IsLegacyProvinceCode(string code);
}

/// <summary>What each error code of <see cref="AddressResolution"/> tells the person, in Vietnamese and English.</summary>
public static class AddressErrorTexts
{
    public static (string Vi, string En) For(string code) => code switch
    {
        "address.catalog_unknown" => ("Danh mục địa giới phải là \"2025\" hoặc \"legacy\".", "The catalog must be \"2025\" or \"legacy\"."),
        "address.province_unknown" => ("Mã tỉnh/thành phố không có trong danh mục đã chọn.", "The province code is not in the chosen catalog."),
        "address.district_required" => ("Danh mục cũ cần mã quận/huyện.", "The legacy catalog needs a district code."),
        "address.district_unknown" => ("Mã quận/huyện không thuộc tỉnh/thành phố đã chọn.", "The district is not in the chosen province."),
        "address.district_not_in_catalog" => ("Danh mục 2025 không có cấp quận/huyện; bỏ trống mã quận/huyện.", "The 2025 catalog has no districts; leave the district empty."),
        _ => ("Mã phường/xã không thuộc đơn vị đã chọn.", "The ward is not in the chosen unit."),
    };
}
