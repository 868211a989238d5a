using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.Modules.Notifications.Contracts;
using VssId.Modules.Registration.Domain;
using VssId.Modules.Registration.ReadModels;
using VssId.Modules.Registration.Features.VerifyPhone;

namespace VssId.Modules.Registration.Features.ResumeApplication;

public sealed record ResumeRequest(string? BhxhCode, string? Phone);

public sealed record ResumeConfirmRequest(string? BhxhCode, string? Phone, string? Code);

public sealed record ResumeResponse(Guid Id, string AccessToken);

/// <summary>
/// For an applicant whose app lost its token: an OTP to the verified phone of the open application,
/// then a fresh token (the old one stops working). The first step always answers 202, so it does not
/// tell whether such an application exists.
/// </summary>
internal sealed class ResumeApplicationEndpoints : IEndpoint
{
    private const string Purpose = "registration.resume";

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/registrations/resume", async (ResumeRequest request, Npgsql.NpgsqlDataSource database, IOneTimeCodes codes, CancellationToken ct) =>
            {
                if (await Find(database, request.BhxhCode, request.Phone, ct) is { } application)
                {
                    await codes.IssueBySms(Purpose, application.Id.ToString("N"), application.Phone, ct);
                }
                return TypedResults.Accepted((string?)null);
            })
            .WithTags(RegistrationModule.Tag)
            .WithName("ResumeApplication")
            .RequireRateLimiting(RegistrationModule.LookupRateLimit)
            .WithSummary("Lấy lại quyền truy cập hồ sơ: gửi OTP · Resume an application: send an OTP")
            .WithDescription("Luôn trả 202. Nếu khớp một hồ sơ đang mở có số điện thoại đã xác thực, mã OTP được gửi tới số đó.")
            .Accepts<ResumeRequest>("application/json")
            .Produces(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithRequestExample(new ResumeRequest("0120169123", "0352153123"));

        app.MapPost("/api/v1/registrations/resume/confirm", async (ResumeConfirmRequest request, IDocumentSession session, Npgsql.NpgsqlDataSource database, IOneTimeCodes codes,
                TimeProvider time, CancellationToken ct) =>
            {
                var application = await Find(database, request.BhxhCode, request.Phone, ct);
                var check = application is null
                    ? OneTimeCodeCheck.Invalid
                    : await codes.Verify(Purpose, application.Value.Id.ToString("N"), request.Code ?? "", ct);
                OneTimeCodeOutcome.EnsureValid(check);
                var id = application!.Value.Id;
                var (token, hash) = ApplicationAccess.NewToken(id);
                session.Events.Append(id, new AccessTokenReissued(hash, time.GetUtcNow()));
                await session.SaveChangesAsync(ct);
                return TypedResults.Ok(new ResumeResponse(id, token));
            })
            .WithTags(RegistrationModule.Tag)
            .WithName("ConfirmResumeApplication")
            .RequireRateLimiting(RegistrationModule.LookupRateLimit)
            .WithSummary("Lấy lại quyền truy cập hồ sơ: xác nhận OTP · Resume an application: confirm the OTP")
            .Accepts<ResumeConfirmRequest>("application/json")
            .Produces<ResumeResponse>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithRequestExample(new ResumeConfirmRequest("0120169123", "0352153123", "482913"));
    }

    // The index names the application and its verified phone: no need to replay its events.
    private static async Task<(Guid Id, string Phone)?> Find(Npgsql.NpgsqlDataSource database, string? bhxhCode, string? phone, CancellationToken ct)
    {
        var code = DeclarationInput.NormaliseBhxhCode(bhxhCode);
        var normalisedPhone = DeclarationInput.NormalisePhone(phone);
        if (code is null || normalisedPhone is null)
        {
            return null;
        }
        var candidates = await ApplicationIndex.ForCodeAndPhone(database, code, normalisedPhone, ct);
        var chosen = candidates.FirstOrDefault(a => a.PhoneVerified && a.Status is ApplicationStatus.Draft or ApplicationStatus.Submitted
            or ApplicationStatus.UnderReview or ApplicationStatus.NeedsInformation);
        return chosen is null ? null : (chosen.Id, normalisedPhone);
    }
}
