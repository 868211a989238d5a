using System.ComponentModel.DataAnnotations;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.Modules.Registration.Domain;
using VssId.Modules.Registration.ReadModels;

namespace VssId.Modules.Registration.Features.LookUpStatus;

public sealed record ApplicationStatusResponse(
    [property: AllowedValues(ApplicationStatus.Draft, ApplicationStatus.Submitted, ApplicationStatus.UnderReview, ApplicationStatus.Approved,
        ApplicationStatus.Rejected, ApplicationStatus.NeedsInformation, ApplicationStatus.Expired)] string Status,
    string? OfficeCode,
    string? ApplicationNumber,
    DateTimeOffset? SubmittedAt);

public sealed record LookUpStatus(string? BhxhCode, string? Phone) : IQuery<ApplicationStatusResponse>;

/// <summary>
/// "Tra cứu hồ sơ": the open (else the last) application of a mã số BHXH, only when the phone matches
/// too — both are needed, so the code printed on a BHYT card alone reveals nothing. Rate limited.
/// </summary>
public sealed class LookUpStatusHandler(Npgsql.NpgsqlDataSource database, VssId.BuildingBlocks.Privacy.PhoneDigests phones) : IQueryHandler<LookUpStatus, ApplicationStatusResponse>
{
    public async ValueTask<ApplicationStatusResponse> Handle(LookUpStatus query, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var code = errors.Require("bhxhCode", DeclarationInput.NormaliseBhxhCode(query.BhxhCode), RegistrationProblems.BhxhCodeInvalid);
        var phone = errors.Require("phone", DeclarationInput.NormalisePhone(query.Phone), RegistrationProblems.PhoneInvalid);
        errors.ThrowIfAny();
        var candidates = await ApplicationIndex.ForCodeAndPhone(database, code!, phones.Of(phone!), cancellationToken);
        var chosen = candidates
            .Where(a => a.Status != ApplicationStatus.Withdrawn)
            .OrderByDescending(a => a.Status is ApplicationStatus.Submitted or ApplicationStatus.UnderReview or ApplicationStatus.NeedsInformation)
            .ThenByDescending(a => a.LastActivityAt)
            .FirstOrDefault() ?? throw new ProblemException(CommonProblems.NotFound);
        return new ApplicationStatusResponse(chosen.Status, chosen.OfficeCode, chosen.ApplicationNumber, chosen.SubmittedAt);
    }
}

internal sealed class LookUpStatusEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/registrations/status", async (ISender sender, CancellationToken ct, string? bhxhCode = null, string? phone = null) =>
                TypedResults.Ok(await sender.Send(new LookUpStatus(bhxhCode, phone), ct)))
            .WithName("LookUpApplicationStatus")
            .RequireRateLimiting(RegistrationModule.LookupRateLimit)
            .WithSummary("Tra cứu tình trạng hồ sơ · Look up where an application stands")
            .WithDescription("Cần cả mã số BHXH và số điện thoại đã khai; không khớp → 404. Both the code and the declared phone must match, else 404.")
            .WithParameter("bhxhCode", "Mã số BHXH (10 chữ số).", "0120169123", required: true)
            .WithParameter("phone", "Số điện thoại đã khai.", "0352153123", required: true)
            .Produces<ApplicationStatusResponse>(StatusCodes.Status200OK)
            .ProducesProblems(CommonProblems.Validation, CommonProblems.NotFound)
            .WithResponseExample(StatusCodes.Status200OK, new ApplicationStatusResponse(ApplicationStatus.Submitted, "00123", "00123-20261125-000042",
                new DateTimeOffset(2026, 11, 25, 3, 15, 0, TimeSpan.Zero)));
}
