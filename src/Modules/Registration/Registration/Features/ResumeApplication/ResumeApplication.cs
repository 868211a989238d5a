using System.ComponentModel.DataAnnotations;
using Marten;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.Modules.Notifications.Contracts;
using VssId.Modules.Registration.Domain;
using VssId.Modules.Registration.ReadModels;

namespace VssId.Modules.Registration.Features.ResumeApplication;

public sealed record ResumeRequest(
    [property: Required, MaxLength(20)] string? BhxhCode,
    [property: Required, MaxLength(20)] string? Phone);

public sealed record ResumeConfirmRequest(
    [property: Required, MaxLength(20)] string? BhxhCode,
    [property: Required, MaxLength(20)] string? Phone,
    [property: Required, RegularExpression(ContractFormats.OtpCode)] string? Code);

public sealed record ResumeResponse(Guid Id, string AccessToken);

/// <summary>Sends an OTP to the verified phone of the open application of a code, if there is one.</summary>
public sealed record RequestResume(ResumeRequest Request) : ICommand;

/// <summary>Checks the OTP and gives the application a fresh token (the old one stops working).</summary>
public sealed record ConfirmResume(ResumeConfirmRequest Request) : ICommand<ResumeResponse>;

/// <summary>
/// For an applicant whose app lost its token: an OTP to the verified phone of the open application,
/// then a fresh token. The first step always answers 202, so it does not tell whether such an
/// application exists; the second answers a wrong code and an unknown application alike. Ten wrong
/// codes in a day shut resume for a day and tell the owner by SMS (ADR 15); a shut application
/// also answers as an unknown one.
/// </summary>
public sealed class ResumeHandlers(IDocumentSession session, Npgsql.NpgsqlDataSource database, VssId.BuildingBlocks.Privacy.PhoneDigests phones,
    IOneTimeCodes codes, TimeProvider time)
    : ICommandHandler<RequestResume>, ICommandHandler<ConfirmResume, ResumeResponse>
{
    private const string Purpose = "registration.resume";

    public async ValueTask<Unit> Handle(RequestResume command, CancellationToken cancellationToken)
    {
        if (await Find(command.Request.BhxhCode, command.Request.Phone, cancellationToken) is { } application
            && !(await session.Events.AggregateStreamAsync<Application>(application.Id, token: cancellationToken))!.ResumeLockedAt(time.GetUtcNow()))
        {
            await codes.IssueBySms(Purpose, application.Id.ToString("N"), application.Phone, PhoneTrust.Verified, command.Request.BhxhCode, cancellationToken);
        }
        return Unit.Value;
    }

    public async ValueTask<ResumeResponse> Handle(ConfirmResume command, CancellationToken cancellationToken)
    {
        var request = command.Request;
        var found = await Find(request.BhxhCode, request.Phone, cancellationToken);
        if (found is null)
        {
            OneTimeCodeOutcome.EnsureValid(OneTimeCodeCheck.Invalid);
        }
        var now = time.GetUtcNow();
        var stream = await session.Events.FetchForWriting<Application>(found!.Value.Id, cancellationToken);
        // A locked application answers as an unknown one: no code is checked, and nothing tells a guesser it exists.
        var check = stream.Aggregate!.ResumeLockedAt(now)
            ? OneTimeCodeCheck.Invalid
            : await codes.Verify(Purpose, found.Value.Id.ToString("N"), request.Code ?? "", cancellationToken);
        if (check != OneTimeCodeCheck.Valid)
        {
            if (!stream.Aggregate.ResumeLockedAt(now))
            {
                stream.AppendMany(stream.Aggregate.FailResume(now));
                await session.SaveChangesAsync(cancellationToken);
            }
            OneTimeCodeOutcome.EnsureValid(check);
        }
        var (token, hash) = ApplicationAccess.NewToken(stream.Id);
        stream.AppendOne(stream.Aggregate.ReissueAccessToken(hash, now));
        await session.SaveChangesAsync(cancellationToken);
        return new ResumeResponse(stream.Id, token);
    }

    // The index names the application and its verified phone: no need to replay its events to find it.
    private async Task<(Guid Id, string Phone)?> Find(string? bhxhCode, string? phone, CancellationToken cancellationToken)
    {
        var code = DeclarationInput.NormaliseBhxhCode(bhxhCode);
        var normalisedPhone = DeclarationInput.NormalisePhone(phone);
        if (code is null || normalisedPhone is null)
        {
            return null;
        }
        var candidates = await ApplicationIndex.ForCodeAndPhone(database, code, phones.Of(normalisedPhone), cancellationToken);
        var chosen = candidates.FirstOrDefault(a => a.PhoneVerified && a.Status is ApplicationStatus.Draft or ApplicationStatus.Submitted
            or ApplicationStatus.UnderReview or ApplicationStatus.NeedsInformation);
        return chosen is null ? null : (chosen.Id, normalisedPhone);
    }
}

internal sealed class ResumeApplicationEndpoints : IEndpoint
{
    public void Map(IEndpointRouteBuilder group)
    {
        group.MapPost("/registrations/resume", async (ResumeRequest request, ISender sender, CancellationToken ct) =>
            {
                await sender.Send(new RequestResume(request), ct);
                return TypedResults.Accepted((string?)null);
            })
            .WithName("ResumeApplication")
            .RequireRateLimiting(RegistrationModule.LookupRateLimit)
            .WithSummary("Lấy lại quyền truy cập hồ sơ: gửi OTP · Resume an application: send an OTP")
            .WithDescription("Luôn trả 202. Nếu khớp một hồ sơ đang mở có số điện thoại đã xác thực, mã OTP được gửi tới số đó. "
                + "Always 202; an OTP goes to the phone only when it matches an open application whose phone is verified.")
            .Accepts<ResumeRequest>("application/json")
            .Produces(StatusCodes.Status202Accepted)
            .WithRequestExample(new ResumeRequest("0120169123", "0352153123"));

        group.MapPost("/registrations/resume/confirm", async (ResumeConfirmRequest request, ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await sender.Send(new ConfirmResume(request), ct)))
            .WithName("ConfirmResumeApplication")
            .RequireRateLimiting(RegistrationModule.LookupRateLimit)
            .WithSummary("Lấy lại quyền truy cập hồ sơ: xác nhận OTP · Resume an application: confirm the OTP")
            .WithDescription("Trả `accessToken` mới; mã cũ hết hiệu lực. Sai mã và hồ sơ không tồn tại đều trả 400 `otp.invalid`. "
                + "Sai 10 lần trong 24 giờ: chức năng lấy lại hồ sơ bị khóa 24 giờ và chủ hồ sơ nhận SMS báo. "
                + "Answers a fresh `accessToken`; the old one stops working. 10 wrong codes in 24 hours shut resume for 24 hours and the owner is told by SMS.")
            .Accepts<ResumeConfirmRequest>("application/json")
            .Produces<ResumeResponse>(StatusCodes.Status200OK)
            .ProducesProblems(OneTimeCodeOutcome.Problems)
            .WithRequestExample(new ResumeConfirmRequest("0120169123", "0352153123", "482913"))
            .WithResponseExample(StatusCodes.Status200OK, new ResumeResponse(Guid.Parse("0b6f4f8e-2a1c-4c1e-9a53-6f1a2d9c7e11"),
                "C09vjiocTB6aU29hLZx-EdM3oV1lq2Qx9W8oYFf2pS4bC7nT5u0kR3yA8wE6zD1h"));
    }
}
