using VssId.Modules.Reference.Catalogs;
using VssId.Modules.Reference.Contracts;

namespace VssId.Tests.Reference;

/// <summary>The contract other modules use to check addresses and offices.</summary>
public sealed class AddressCatalogTests
{
    private readonly IAddressCatalog _catalog = AdministrativeUnits.Instance;

    [Fact]
    public void A_legacy_address_resolves_with_its_unambiguous_2025_ward()
    {
        // Phường Trúc Bạch (00004, Quận Ba Đình) went whole into the new Phường Ba Đình — also coded 00004.
        var result = _catalog.Resolve(new AddressCodes("legacy", "01", "001", "00004"));
        Assert.True(result.IsValid);
        Assert.Equal("Phường Trúc Bạch", result.Address!.WardFullName);
        Assert.Equal("Quận Ba Đình", result.Address.DistrictFullName);
        Assert.Equal("Thành phố Hà Nội", result.Address.ProvinceFullName);
        Assert.Equal("00004", result.Address.Mapped2025WardCode);
        Assert.Equal("01", result.Address.Mapped2025ProvinceCode);
        // Phường Phúc Xá went into Phường Hồng Hà.
        Assert.Equal("00097", _catalog.Resolve(new AddressCodes("legacy", "01", "001", "00001")).Address!.Mapped2025WardCode);
    }

    [Fact]
    public void A_legacy_ward_split_between_several_2025_wards_is_not_mapped()
    {
        var split = AdministrativeUnits.Instance.LegacyWardByCode.Keys
            .First(code => !AdministrativeUnits.Instance.UnambiguousWardMapping.ContainsKey(code));
        var (ward, district) = AdministrativeUnits.Instance.LegacyWardByCode[split];
        var result = _catalog.Resolve(new AddressCodes("legacy", district.ProvinceCode, district.Unit.Code, ward.Code));
        Assert.True(result.IsValid);
        Assert.Null(result.Address!.Mapped2025WardCode);
    }

    [Fact]
    public void A_2025_address_resolves_in_the_2025_catalog_where_the_same_code_means_another_ward()
    {
        var result = _catalog.Resolve(new AddressCodes("2025", "01", null, "00004"));
        Assert.Equal("Phường Ba Đình", result.Address!.WardFullName);
        Assert.Null(result.Address.DistrictCode);
    }

    [Theory]
    [InlineData("1999", "01", "001", "00004", "catalog", "address.catalog_unknown")]
    [InlineData("legacy", "99", "001", "00004", "provinceCode", "address.province_unknown")]
    [InlineData("legacy", "01", null, "00004", "districtCode", "address.district_required")]
    [InlineData("legacy", "01", "760", "00004", "districtCode", "address.district_unknown")]
    [InlineData("legacy", "01", "002", "00004", "wardCode", "address.ward_unknown")]
    [InlineData("2025", "01", "001", "00004", "districtCode", "address.district_not_in_catalog")]
    [InlineData("2025", "79", null, "00004", "wardCode", "address.ward_unknown")]
    [InlineData("2025", "", null, "", "provinceCode", "address.province_unknown")]
    public void Inconsistent_or_unknown_codes_name_the_field_and_a_stable_code(string catalog, string province, string? district, string ward, string field, string code)
    {
        var result = _catalog.Resolve(new AddressCodes(catalog, province, district, ward));
        Assert.False(result.IsValid);
        Assert.Equal(field, result.ErrorField);
        Assert.Equal(code, result.ErrorCode);
    }

    [Fact]
    public void Offices_are_found_by_code_within_their_validity()
    {
        IOfficeCatalog offices = Offices.Instance;
        Assert.Equal("BHXH Huyện Chương Mỹ", offices.FindActive("00123", new DateOnly(2026, 11, 25))!.Name);
        Assert.Null(offices.FindActive("99999", new DateOnly(2026, 11, 25)));
        Assert.Null(offices.FindActive("", new DateOnly(2026, 11, 25)));
    }
}
