using VssId.BuildingBlocks.Errors;
using VssId.Modules.Reference.Contracts;

namespace VssId.Modules.Reference;

internal static class ReferenceProblems
{
    /// <summary>The catalog named by a query (default 2025), or a 400 naming the parameter.</summary>
    public static string Catalog(string? catalog)
    {
        if (catalog is null or AddressCatalogs.Current or AddressCatalogs.Legacy)
        {
            return catalog ?? AddressCatalogs.Current;
        }
        var errors = new FieldErrors();
        errors.Add("catalog", CatalogUnknown);
        errors.ThrowIfAny();
        return catalog;
    }

    public const string CatalogParameter = "Danh mục địa giới: `2025` (mặc định, 2 cấp từ 01/07/2025) hoặc `legacy` (3 cấp, đến 30/06/2025).";

    public static readonly ProblemType ProvinceNotFound = new("reference.province_not_found", 404,
        new("Không tìm thấy tỉnh/thành phố với mã này trong danh mục.", "No province with this code in the catalog."));

    public static readonly ProblemType DistrictNotFound = new("reference.district_not_found", 404,
        new("Không tìm thấy quận/huyện với mã này trong danh mục cũ.", "No district with this code in the legacy catalog."));

    public static readonly FieldError CatalogUnknown = new("reference.catalog_unknown",
        new($"Danh mục phải là \"{AddressCatalogs.Current}\" hoặc \"{AddressCatalogs.Legacy}\".",
            $"The catalog must be \"{AddressCatalogs.Current}\" or \"{AddressCatalogs.Legacy}\"."));
}

/// <summary>One administrative unit as the API answers it.</summary>
public sealed record AdministrativeUnitResponse(string Code, string Name, string FullName)
{
    internal static AdministrativeUnitResponse From(Catalogs.AdminUnit unit) => new(unit.Code, unit.Name, unit.FullName);
}
