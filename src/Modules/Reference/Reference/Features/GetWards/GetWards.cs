using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.Modules.Reference.Catalogs;
using VssId.Modules.Reference.Contracts;

namespace VssId.Modules.Reference.Features.GetWards;

/// <summary>Wards of a province (either catalog) or of a legacy district (<see cref="DistrictCode"/> set).</summary>
public sealed record GetWards(string? Catalog, string? ProvinceCode, string? DistrictCode) : IQuery<IReadOnlyList<AdministrativeUnitResponse>>;

public sealed class GetWardsHandler : IQueryHandler<GetWards, IReadOnlyList<AdministrativeUnitResponse>>
{
    public ValueTask<IReadOnlyList<AdministrativeUnitResponse>> Handle(GetWards query, CancellationToken cancellationToken)
    {
        var units = AdministrativeUnits.Instance;
        var catalog = ReferenceProblems.Catalog(query.Catalog);
        IEnumerable<AdminUnit> wards;
        if (query.DistrictCode is not null)
        {
            if (!units.LegacyDistrictByCode.TryGetValue(query.DistrictCode, out var district)
                || (query.ProvinceCode is not null && district.ProvinceCode != query.ProvinceCode))
            {
                throw new ProblemException(ReferenceProblems.DistrictNotFound);
            }
            wards = district.Wards;
        }
        else if (catalog == AddressCatalogs.Legacy)
        {
            wards = units.LegacyProvinceByCode.TryGetValue(query.ProvinceCode ?? "", out var province)
                ? province.Districts.SelectMany(d => d.Wards)
                : throw new ProblemException(ReferenceProblems.ProvinceNotFound);
        }
        else
        {
            wards = units.Province2025ByCode.TryGetValue(query.ProvinceCode ?? "", out var province)
                ? province.Wards
                : throw new ProblemException(ReferenceProblems.ProvinceNotFound);
        }
        IReadOnlyList<AdministrativeUnitResponse> result = wards.Select(AdministrativeUnitResponse.From).ToArray();
        return ValueTask.FromResult(result);
    }
}

internal sealed class GetWardsEndpoint : IEndpoint
{
    private static readonly AdministrativeUnitResponse[] Example =
    [
        new("00613", "Minh Khai", "Phường Minh Khai"),
        new("00595", "Thượng Cát", "Phường Thượng Cát"),
    ];

    public void Map(IEndpointRouteBuilder group)
    {
        group.MapGet("/reference/provinces/{code}/wards", async (string code, ISender sender, CancellationToken ct, string? catalog = null) =>
                TypedResults.Ok(await sender.Send(new GetWards(catalog, code, null), ct)))
            .WithParameter("catalog", ReferenceProblems.CatalogParameter, AddressCatalogs.Current, [AddressCatalogs.Current, AddressCatalogs.Legacy], enumName: "AddressCatalog")
            .WithParameter("code", "Mã tỉnh/thành phố theo danh mục đã chọn, ví dụ `01` Thành phố Hà Nội.", "01")
            .WithName("GetProvinceWards")
            .WithSummary("Phường/xã của một tỉnh · Wards of a province")
            .WithDescription("`catalog=2025` (mặc định): phường/xã/đặc khu trực thuộc tỉnh. `catalog=legacy`: mọi phường/xã của tỉnh theo danh mục cũ.")
            .Produces<AdministrativeUnitResponse[]>(StatusCodes.Status200OK)
            .ProducesProblems(CommonProblems.Validation, ReferenceProblems.ProvinceNotFound)
            .WithResponseExample(StatusCodes.Status200OK, new[]
            {
                new AdministrativeUnitResponse("00004", "Ba Đình", "Phường Ba Đình"),
                new AdministrativeUnitResponse("00008", "Ngọc Hà", "Phường Ngọc Hà"),
            });

        group.MapGet("/reference/districts/{code}/wards", async (string code, ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await sender.Send(new GetWards(AddressCatalogs.Legacy, null, code), ct)))
            .WithName("GetDistrictWards")
            .WithDescription("Chỉ danh mục cũ (`legacy`) có cấp quận/huyện. Only the legacy catalog has districts.")
            .WithParameter("code", "Mã quận/huyện (danh mục cũ), ví dụ `021` Quận Bắc Từ Liêm.", "021")
            .WithSummary("Phường/xã của một quận/huyện (danh mục cũ) · Wards of a legacy district")
            .Produces<AdministrativeUnitResponse[]>(StatusCodes.Status200OK)
            .ProducesProblems(ReferenceProblems.DistrictNotFound)
            .WithResponseExample(StatusCodes.Status200OK, Example);

        group.MapGet("/reference/provinces/{provinceCode}/districts/{code}/wards", async (string provinceCode, string code, ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await sender.Send(new GetWards(AddressCatalogs.Legacy, provinceCode, code), ct)))
            .WithName("GetProvinceDistrictWards")
            .WithParameter("provinceCode", "Mã tỉnh/thành phố (danh mục cũ).", "01")
            .WithParameter("code", "Mã quận/huyện (danh mục cũ) thuộc tỉnh đó.", "021")
            .WithDescription("Như `/districts/{code}/wards`, và kiểm tra quận/huyện thuộc tỉnh. As `/districts/{code}/wards`, checking the district belongs to the province.")
            .WithSummary("Phường/xã của một quận/huyện thuộc tỉnh (danh mục cũ) · Wards of a legacy district of a province")
            .Produces<AdministrativeUnitResponse[]>(StatusCodes.Status200OK)
            .ProducesProblems(ReferenceProblems.DistrictNotFound)
            .WithResponseExample(StatusCodes.Status200OK, Example);
    }
}
