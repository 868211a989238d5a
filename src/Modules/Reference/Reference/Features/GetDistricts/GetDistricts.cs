using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.Modules.Reference.Catalogs;

namespace VssId.Modules.Reference.Features.GetDistricts;

/// <summary>Districts exist only in the legacy catalog: the 2025 catalog has two levels.</summary>
public sealed record GetDistricts(string ProvinceCode) : IQuery<IReadOnlyList<AdministrativeUnitResponse>>;

public sealed class GetDistrictsHandler : IQueryHandler<GetDistricts, IReadOnlyList<AdministrativeUnitResponse>>
{
    public ValueTask<IReadOnlyList<AdministrativeUnitResponse>> Handle(GetDistricts query, CancellationToken cancellationToken)
    {
        if (!AdministrativeUnits.Instance.LegacyProvinceByCode.TryGetValue(query.ProvinceCode, out var province))
        {
            throw new ProblemException(ReferenceProblems.ProvinceNotFound);
        }
        IReadOnlyList<AdministrativeUnitResponse> districts = province.Districts.Select(d => AdministrativeUnitResponse.From(d.Unit)).ToArray();
        return ValueTask.FromResult(districts);
    }
}

internal sealed class GetDistrictsEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/reference/provinces/{code}/districts", async (string code, ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await sender.Send(new GetDistricts(code), ct)))
            .WithName("GetDistricts")
            .WithParameter("code", "Mã tỉnh/thành phố theo danh mục cũ, ví dụ `01` Thành phố Hà Nội.", "01")
            .WithSummary("Quận/huyện của một tỉnh (danh mục cũ) · Districts of a legacy province")
            .WithDescription("Chỉ danh mục cũ (`legacy`) có cấp quận/huyện. Mã tỉnh theo danh mục cũ, ví dụ `01` Thành phố Hà Nội.")
            .Produces<AdministrativeUnitResponse[]>(StatusCodes.Status200OK)
            .ProducesProblems(ReferenceProblems.ProvinceNotFound)
            .WithResponseExample(StatusCodes.Status200OK, new[]
            {
                new AdministrativeUnitResponse("021", "Bắc Từ Liêm", "Quận Bắc Từ Liêm"),
                new AdministrativeUnitResponse("277", "Chương Mỹ", "Huyện Chương Mỹ"),
            });
}
