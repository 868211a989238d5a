using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.Modules.Reference.Catalogs;
using VssId.Modules.Reference.Contracts;

namespace VssId.Modules.Reference.Features.GetOffices;

/// <summary>A receiving office. <c>provinceCode</c> is the legacy province it serves.</summary>
public sealed record OfficeResponse(
    string Code,
    string Name,
    string ProvinceCode,
    string? Province2025Code,
    string Level,
    bool Derived,
    DateOnly? ValidFrom,
    DateOnly? ValidTo);

/// <summary>
/// Offices serving a province. A 2025 province code lists the offices of every legacy province merged
/// into it; without a province, every office.
/// </summary>
public sealed record GetOffices(string? Province, string? Catalog) : IQuery<IReadOnlyList<OfficeResponse>>;

public sealed class GetOfficesHandler(IOfficeCatalog officeCatalog) : IQueryHandler<GetOffices, IReadOnlyList<OfficeResponse>>
{
    public ValueTask<IReadOnlyList<OfficeResponse>> Handle(GetOffices query, CancellationToken cancellationToken)
    {
        var units = AdministrativeUnits.Instance;
        var offices = ((OfficeDirectory)officeCatalog).Current;
        var catalog = ReferenceProblems.Catalog(query.Catalog);
        IEnumerable<OfficeInfo> selected;
        if (query.Province is null)
        {
            selected = offices.All;
        }
        else if (catalog == AddressCatalogs.Legacy)
        {
            selected = units.LegacyProvinceByCode.ContainsKey(query.Province)
                ? offices.ByLegacyProvince.GetValueOrDefault(query.Province, [])
                : throw new ProblemException(ReferenceProblems.ProvinceNotFound);
        }
        else
        {
            if (!units.Province2025ByCode.ContainsKey(query.Province))
            {
                throw new ProblemException(ReferenceProblems.ProvinceNotFound);
            }
            var merged = units.ProvinceMapping.Where(m => m.Value == query.Province).Select(m => m.Key).Order(StringComparer.Ordinal);
            selected = merged.SelectMany(p => offices.ByLegacyProvince.GetValueOrDefault(p, []));
        }
        IReadOnlyList<OfficeResponse> result = selected
            .Select(o => new OfficeResponse(o.Code, o.Name, o.LegacyProvinceCode, units.ProvinceMapping.GetValueOrDefault(o.LegacyProvinceCode),
                o.Level, o.Derived, o.ValidFrom, o.ValidTo))
            .ToArray();
        return ValueTask.FromResult(result);
    }
}

internal sealed class GetOfficesEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/reference/offices", async (ISender sender, CancellationToken ct, string? province = null, string? catalog = null) =>
                TypedResults.Ok(await sender.Send(new GetOffices(province, catalog), ct)))
            .WithParameter("catalog", ReferenceProblems.CatalogParameter, AddressCatalogs.Legacy, [AddressCatalogs.Current, AddressCatalogs.Legacy], enumName: "AddressCatalog")
            .WithName("GetOffices")
            .WithParameter("province", "Mã tỉnh/thành phố theo `catalog`; bỏ trống để lấy mọi cơ quan.", "01")
            .WithSummary("Cơ quan BHXH tiếp nhận hồ sơ · Receiving offices")
            .WithDescription("`province` là mã tỉnh theo `catalog` (mặc định `2025`): một tỉnh mới liệt kê cơ quan của mọi tỉnh cũ sáp nhập vào nó. "
                + "Danh sách Hà Nội là danh sách thật; các tỉnh khác được suy ra (`derived: true`) cho đến khi quản trị viên nhập danh sách chính thức.")
            .Produces<OfficeResponse[]>(StatusCodes.Status200OK)
            .ProducesProblems(CommonProblems.Validation, ReferenceProblems.ProvinceNotFound)
            .WithResponseExample(StatusCodes.Status200OK, new[]
            {
                new OfficeResponse("00123", "BHXH Huyện Chương Mỹ", "01", "01", Offices.DistrictLevel, false, null, null),
                new OfficeResponse("00131", "BHXH Quận Bắc Từ Liêm", "01", "01", Offices.DistrictLevel, false, null, null),
            });
}
