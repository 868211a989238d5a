using FluentValidation;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Mediator;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.Modules.Reference.Catalogs;
using VssId.Modules.Reference.Contracts;

namespace VssId.Modules.Reference.Features.GetWards;

/// <summary>Wards of a province (either catalog) or of a legacy district (<see cref="DistrictCode"/> set).</summary>
public sealed record GetWards(string Catalog, string? ProvinceCode, string? DistrictCode) : IQuery<IReadOnlyList<AdministrativeUnitResponse>>;

public sealed class GetWardsValidator : AbstractValidator<GetWards>
{
    public GetWardsValidator() =>
        RuleFor(q => q.Catalog).Must(c => c is AddressCatalogs.Current or AddressCatalogs.Legacy).WithError(ReferenceProblems.CatalogUnknown);
}

public sealed class GetWardsHandler : IQueryHandler<GetWards, IReadOnlyList<AdministrativeUnitResponse>>
{
    public ValueTask<IReadOnlyList<AdministrativeUnitResponse>> Handle(GetWards query, CancellationToken cancellationToken)
    {
        var units = AdministrativeUnits.Instance;
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
        else if (query.Catalog == AddressCatalogs.Legacy)
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

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/reference/provinces/{code}/wards", async (string code, ISender sender, CancellationToken ct, string? catalog = AddressCatalogs.Current) =>
                TypedResults.Ok(await sender.Send(new GetWards(catalog ?? AddressCatalogs.Current, code, null), ct)))
            .WithTags(ReferenceModule.Tag)
            .WithParameter("catalog", "Danh mục địa giới: `2025` (mặc định, 2 cấp từ 01/07/2025) hoặc `legacy` (3 cấp, đến 30/06/2025).", "2025")
            .WithParameter("code", "Mã tỉnh/thành phố theo danh mục đã chọn, ví dụ `01` Thành phố Hà Nội.", "01")
            .WithName("GetProvinceWards")
            .WithSummary("Phường/xã của một tỉnh · Wards of a province")
            .WithDescription("`catalog=2025` (mặc định): phường/xã/đặc khu trực thuộc tỉnh. `catalog=legacy`: mọi phường/xã của tỉnh theo danh mục cũ.")
            .Produces<AdministrativeUnitResponse[]>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithResponseExample(StatusCodes.Status200OK, new[]
            {
                new AdministrativeUnitResponse("00004", "Ba Đình", "Phường Ba Đình"),
                new AdministrativeUnitResponse("00008", "Ngọc Hà", "Phường Ngọc Hà"),
            });

        app.MapGet("/api/v1/reference/districts/{code}/wards", async (string code, ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await sender.Send(new GetWards(AddressCatalogs.Legacy, null, code), ct)))
            .WithTags(ReferenceModule.Tag)
            .WithName("GetDistrictWards")
            .WithParameter("code", "Mã quận/huyện (danh mục cũ), ví dụ `021` Quận Bắc Từ Liêm.", "021")
            .WithSummary("Phường/xã của một quận/huyện (danh mục cũ) · Wards of a legacy district")
            .Produces<AdministrativeUnitResponse[]>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithResponseExample(StatusCodes.Status200OK, Example);

        app.MapGet("/api/v1/reference/provinces/{provinceCode}/districts/{code}/wards", async (string provinceCode, string code, ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await sender.Send(new GetWards(AddressCatalogs.Legacy, provinceCode, code), ct)))
            .WithTags(ReferenceModule.Tag)
            .WithName("GetProvinceDistrictWards")
            .WithSummary("Phường/xã của một quận/huyện thuộc tỉnh (danh mục cũ) · Wards of a legacy district of a province")
            .Produces<AdministrativeUnitResponse[]>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithResponseExample(StatusCodes.Status200OK, Example);
    }
}
