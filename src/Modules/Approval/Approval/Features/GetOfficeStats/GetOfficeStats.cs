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
using VssId.BuildingBlocks.Time;
using VssId.Modules.Approval.Domain;
using VssId.Modules.Approval.ReadModels;

namespace VssId.Modules.Approval.Features.GetOfficeStats;

/// <summary>An office's figures: what waits, for how long, how fast it decides.</summary>
public sealed record OfficeStats(long Pending, long? OldestPendingAgeSeconds, long? MedianDecisionSeconds, long DecidedToday);

public sealed record GetOfficeStats(ClaimsPrincipal User, string OfficeCode) : IQuery<OfficeStats>;

/// <summary>
/// Pending cases and the age of the oldest; the median time from (re)submission to decision over the last
/// 30 days; decisions since midnight in Asia/Ho_Chi_Minh. One statement over the case index.
/// </summary>
public sealed class GetOfficeStatsHandler(NpgsqlDataSource database, TimeProvider time) : IQueryHandler<GetOfficeStats, OfficeStats>
{
    public async ValueTask<OfficeStats> Handle(GetOfficeStats query, CancellationToken cancellationToken)
    {
        if (query.User.Office() != query.OfficeCode)
        {
            throw new ProblemException(CommonProblems.Forbidden);
        }
        var now = time.GetUtcNow();
        var today = VietnamTime.DateOf(now);
        var midnight = new DateTimeOffset(today.ToDateTime(TimeOnly.MinValue), VietnamTime.Zone.GetUtcOffset(today.ToDateTime(TimeOnly.MinValue)));
        await using var command = database.CreateCommand($"""
            SELECT
              count(*) FILTER (WHERE status IN ('{CaseStatus.Pending}', '{CaseStatus.UnderReview}')),
              extract(epoch FROM $2 - min(submitted_at) FILTER (WHERE status IN ('{CaseStatus.Pending}', '{CaseStatus.UnderReview}')))::bigint,
              (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - submitted_at)) FILTER (WHERE decided_at > $2 - interval '30 days'))::bigint,
              count(*) FILTER (WHERE decided_at >= $3)
            FROM {CaseIndex.TableName} WHERE office_code = $1
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = query.OfficeCode });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        command.Parameters.Add(new NpgsqlParameter { Value = midnight.ToUniversalTime() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new OfficeStats(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetInt64(2), reader.GetInt64(3));
    }
}

internal sealed class GetOfficeStatsEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/offices/{officeCode}/stats", async (string officeCode, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await sender.Send(new GetOfficeStats(user, officeCode), ct)))
            .WithName("GetOfficeStats")
            .RequireAccess(AccessPolicies.Officer)
            .WithSummary("Số liệu của cơ quan · Office figures")
            .WithDescription("Hồ sơ đang chờ, tuổi của hồ sơ chờ lâu nhất (giây), trung vị thời gian ra quyết định 30 ngày qua (giây), số quyết định hôm nay (giờ Việt Nam). Cán bộ cơ quan khác: 403.")
            .WithParameter("officeCode", "Mã cơ quan BHXH của cán bộ · The officer's office code", "00131")
            .WithResponseExample(StatusCodes.Status200OK, new OfficeStats(42, 5400, 7200, 17));
}
