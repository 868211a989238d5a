using System.Security.Claims;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.BuildingBlocks.Security;
using VssId.Modules.GuardianEnrollment.Domain;
using VssId.Modules.GuardianEnrollment.Features;
using VssId.Modules.GuardianEnrollment.ReadModels;

namespace VssId.Modules.GuardianEnrollment.Features.GetClassFigures;

/// <summary>A class's enrolments: how many, how many in each status (every status listed, 0 included), signed forms received.</summary>
public sealed record ClassFiguresResponse(string ClassCode, int Total, IReadOnlyDictionary<string, int> ByStatus, int FormsReceived);

public sealed record SchoolFiguresResponse(IReadOnlyList<ClassFiguresResponse> Classes);

public sealed record GetClassFigures(ClaimsPrincipal User, string SchoolCode) : IQuery<SchoolFiguresResponse>;

internal sealed class GetClassFiguresHandler(NpgsqlDataSource database) : IQueryHandler<GetClassFigures, SchoolFiguresResponse>
{
    public async ValueTask<SchoolFiguresResponse> Handle(GetClassFigures query, CancellationToken cancellationToken)
    {
        var school = SchoolRules.School(query.User, query.SchoolCode);
        var figures = await EnrollmentIndex.FiguresOfSchool(database, school, cancellationToken);
        return new SchoolFiguresResponse(figures.Select(f => new ClassFiguresResponse(f.ClassCode, f.ByStatus.Values.Sum(),
            EnrollmentStatus.All.Where(s => s != EnrollmentStatus.Draft).ToDictionary(s => s, s => f.ByStatus.GetValueOrDefault(s)), f.FormsReceived)).ToList());
    }
}

internal sealed class GetClassFiguresEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapGet("v1/schools/{schoolCode}/classes", async (string schoolCode, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await sender.Send(new GetClassFigures(user, schoolCode), ct)))
            .WithName("GetClassFigures")
            .WithTags(SchoolRules.Tag)
            .RequireAccess(AccessPolicies.SchoolClient)
            .WithSummary("Số liệu theo lớp · Figures per class")
            .WithDescription("Mỗi lớp: tổng số hồ sơ, số hồ sơ theo trạng thái, số tờ khai đã ký đã nhận. Trường khác: 404.")
            .Produces<SchoolFiguresResponse>(StatusCodes.Status200OK)
            .ProducesProblems(CommonProblems.NotFound)
            .WithResponseExample(StatusCodes.Status200OK, new SchoolFiguresResponse([new ClassFiguresResponse("6A1", 30,
                new Dictionary<string, int>
                {
                    [EnrollmentStatus.AwaitingGuardianConsent] = 3, [EnrollmentStatus.Submitted] = 20, [EnrollmentStatus.UnderReview] = 2,
                    [EnrollmentStatus.Approved] = 5, [EnrollmentStatus.Rejected] = 0, [EnrollmentStatus.NeedsInformation] = 0, [EnrollmentStatus.Expired] = 0,
                }, 18)]));
}
