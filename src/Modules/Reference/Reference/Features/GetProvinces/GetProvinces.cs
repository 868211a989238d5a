using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.Modules.Reference.Catalogs;
using VssId.Modules.Reference.Contracts;

namespace VssId.Modules.Reference.Features.GetProvinces;

public sealed record GetProvinces(string? Catalog) : IQuery<IReadOnlyList<AdministrativeUnitResponse>>;

public sealed class GetProvincesHandler : IQueryHandler<GetProvinces, IReadOnlyList<AdministrativeUnitResponse>>
{
    public ValueTask<IReadOnlyList<AdministrativeUnitResponse>> Handle(GetProvinces query, CancellationToken cancellationToken)
    {
        var units = AdministrativeUnits.Instance;
        IReadOnlyList<AdministrativeUnitResponse> provinces = ReferenceProblems.Catalog(query.Catalog) == AddressCatalogs.Legacy
            ? units.LegacyProvinces.Select(p => AdministrativeUnitResponse.From(p.Unit)).ToArray()
            : units.Provinces2025.Select(p => AdministrativeUnitResponse.From(p.Unit)).ToArray();
        return ValueTask.FromResult(provinces);
    }
}

internal sealed class GetProvincesEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/reference/provinces", async (ISender sender, CancellationToken ct, string? catalog = null) =>
                TypedResults.Ok(await sender.Send(new GetProvinces(catalog), ct)))
            .WithParameter("catalog", ReferenceProblems.CatalogParameter, AddressCatalogs.Legacy, [AddressCatalogs.Current, AddressCatalogs.Legacy], enumName: "AddressCatalog")
            .WithName("GetProvinces")
            .WithSummary("Danh sách tỉnh/thành phố · Provinces of a catalog")
            .WithDescription("`catalog=2025` (mặc định; 34 tỉnh/thành từ 01/07/2025) hoặc `catalog=legacy` (63 tỉnh/thành, danh mục 3 cấp đến 30/06/2025).")
            .Produces<AdministrativeUnitResponse[]>(StatusCodes.Status200OK)
            .ProducesProblems(CommonProblems.Validation)
            .WithResponseExample(StatusCodes.Status200OK, new[]
            {
                new AdministrativeUnitResponse("01", "Hà Nội", "Thành phố Hà Nội"),
                new AdministrativeUnitResponse("79", "Hồ Chí Minh", "Thành phố Hồ Chí Minh"),
            });
}
