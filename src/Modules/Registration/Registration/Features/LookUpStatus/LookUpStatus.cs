using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.Modules.Registration.Domain;
using VssId.Modules.Registration.ReadModels;

namespace VssId.Modules.Registration.Features.LookUpStatus;

public sealed record ApplicationStatusResponse(string Status, string? OfficeCode, string? ApplicationNumber, DateTimeOffset? SubmittedAt);

/// <summary>
/// "Tra cứu hồ sơ": the open (else the last) application of a mã số BHXH, only when the phone matches
/// too — both are needed, so the code printed on a BHYT card alone reveals nothing. Rate limited.
/// </summary>
internal sealed class LookUpStatusEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/registrations/status", async (Npgsql.NpgsqlDataSource database, CancellationToken ct, string? bhxhCode = null, string? phone = null) =>
            {
                var code = DeclarationInput.NormaliseBhxhCode(bhxhCode);
                var normalisedPhone = DeclarationInput.NormalisePhone(phone);
                if (code is null || normalisedPhone is null)
                {
                    var errors = new List<(string, FieldError)>();
                    if (code is null)
                    {
                        errors.Add(("bhxhCode", RegistrationProblems.BhxhCodeInvalid));
                    }
                    if (normalisedPhone is null)
                    {
                        errors.Add(("phone", RegistrationProblems.PhoneInvalid));
                    }
                    throw new ValidationProblemException(errors);
                }
                var candidates = await ApplicationIndex.ForCodeAndPhone(database, code, normalisedPhone, ct);
                var chosen = candidates
                    .Where(a => a.Status != ApplicationStatus.Withdrawn)
                    .OrderByDescending(a => a.Status is ApplicationStatus.Submitted or ApplicationStatus.UnderReview or ApplicationStatus.NeedsInformation)
                    .ThenByDescending(a => a.LastActivityAt)
                    .FirstOrDefault() ?? throw new ProblemException(CommonProblems.NotFound);
                return TypedResults.Ok(new ApplicationStatusResponse(chosen.Status, chosen.OfficeCode, chosen.ApplicationNumber, chosen.SubmittedAt));
            })
            .WithTags(RegistrationModule.Tag)
            .WithName("LookUpApplicationStatus")
            .RequireRateLimiting(RegistrationModule.LookupRateLimit)
            .WithSummary("Tra cứu tình trạng hồ sơ · Look up where an application stands")
            .WithDescription("Cần cả mã số BHXH và số điện thoại đã khai; không khớp → 404.")
            .WithParameter("bhxhCode", "Mã số BHXH (10 chữ số).", "0120169123")
            .WithParameter("phone", "Số điện thoại đã khai.", "0352153123")
            .Produces<ApplicationStatusResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithResponseExample(StatusCodes.Status200OK, new ApplicationStatusResponse(ApplicationStatus.Submitted, "00123", "00123-20261125-000042",
                new DateTimeOffset(2026, 11, 25, 3, 15, 0, TimeSpan.Zero)));
}
