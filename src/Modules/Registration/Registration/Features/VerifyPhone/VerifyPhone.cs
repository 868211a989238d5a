using System.ComponentModel.DataAnnotations;
using Marten;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Http;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.Modules.Notifications.Contracts;
using VssId.Modules.Registration.Domain;
using VssId.Modules.Registration.ReadModels;

namespace VssId.Modules.Registration.Features.VerifyPhone;

public sealed record SendPhoneCode(Guid Id, string? Token) : ICommand;

public sealed record ConfirmPhoneCodeRequest([property: Required, RegularExpression(ContractFormats.OtpCode)] string? Code);

public sealed record ConfirmPhoneCode(Guid Id, string? Token, string? Code) : ICommand;

/// <summary>Sends an OTP to the declared mobile. The code is bound to the application and that phone: a changed phone needs a new code.</summary>
public sealed class SendPhoneCodeHandler(IQuerySession session, IOneTimeCodes codes, TimeProvider time) : ICommandHandler<SendPhoneCode>
{
    public const string Purpose = "registration.phone";

    public static string Target(Application application) => $"{application.Id:N}:{application.Declaration.Phone}";

    public async ValueTask<Mediator.Unit> Handle(SendPhoneCode command, CancellationToken cancellationToken)
    {
        var application = await ApplicationAccess.Load(session, command.Id, command.Token, time, cancellationToken);
        if (!application.IsEditable)
        {
            throw new ProblemException(RegistrationProblems.NotEditable);
        }
        var issue = await codes.IssueBySms(Purpose, Target(application), application.Declaration.Phone, PhoneTrust.Unverified, application.Declaration.BhxhCode,
            cancellationToken);
        return issue.Status switch
        {
            OneTimeCodeIssueStatus.Sent => Mediator.Unit.Value,
            OneTimeCodeIssueStatus.TooSoon => throw new ProblemException(RegistrationProblems.OtpTooSoon, retryAfter: issue.RetryAfter),
            OneTimeCodeIssueStatus.TooMany => throw new ProblemException(RegistrationProblems.OtpTooMany, retryAfter: issue.RetryAfter),
            _ => throw new ProblemException(RegistrationProblems.SmsUnavailable, retryAfter: issue.RetryAfter),
        };
    }
}

/// <summary>
/// Confirms the OTP. A phone holds at most 3 open drafts that verified it: the 4th draft to verify the same
/// phone is refused, as a 4th start would be (unverified drafts count toward nobody's limit).
/// </summary>
public sealed class ConfirmPhoneCodeHandler(IDocumentSession session, IOneTimeCodes codes, Npgsql.NpgsqlDataSource database,
    VssId.BuildingBlocks.Privacy.PhoneDigests phones, TimeProvider time)
    : ICommandHandler<ConfirmPhoneCode>
{
    public async ValueTask<Mediator.Unit> Handle(ConfirmPhoneCode command, CancellationToken cancellationToken)
    {
        var stream = await ApplicationAccess.LoadForWriting(session, command.Id, command.Token, null, time, cancellationToken);
        var application = stream.Aggregate!;
        var code = command.Code?.Trim() ?? "";
        if (code.Length != 6 || !code.All(char.IsAsciiDigit))
        {
            var errors = new FieldErrors();
            errors.Add("code", RegistrationProblems.CodeInvalid);
            errors.ThrowIfAny();
        }
        if (!application.IsEditable)
        {
            throw new ProblemException(RegistrationProblems.NotEditable);
        }
        if (application.Status == ApplicationStatus.Draft
            && await ApplicationIndex.VerifiedDraftsOf(database, phones.Of(application.Declaration.Phone), application.Id, cancellationToken) >= Application.MaxVerifiedDraftsPerPhone)
        {
            throw new ProblemException(RegistrationProblems.TooManyDrafts);
        }
        OneTimeCodeOutcome.EnsureValid(await codes.Verify(SendPhoneCodeHandler.Purpose, SendPhoneCodeHandler.Target(application), code, cancellationToken));
        stream.AppendOne(application.VerifyPhone(time.GetUtcNow()));
        await session.SaveChangesAsync(cancellationToken);
        return Mediator.Unit.Value;
    }
}

internal sealed class VerifyPhoneEndpoints : IEndpoint
{
    public void Map(IEndpointRouteBuilder group)
    {
        group.MapPost("/registrations/{id:guid}/phone-verification", async (Guid id, ISender sender, HttpContext http, CancellationToken ct) =>
            {
                await sender.Send(new SendPhoneCode(id, ApplicationAccess.Bearer(http.Request)), ct);
                return TypedResults.Accepted((string?)null);
            })
            .WithName("SendPhoneCode")
            .RequireRateLimiting(RateLimits.PublicPerAddress)
            .WithBearerToken()
            .WithSummary("Gửi mã OTP tới số điện thoại đã khai · Send an OTP to the declared mobile")
            .WithDescription("Mã 6 chữ số, hiệu lực 5 phút; gửi lại sau 60 giây; 2 mã gần nhất đều dùng được; tối đa 5 lần gửi mỗi giờ cho một hồ sơ, "
                + "5 SMS mỗi giờ cho một số điện thoại dù bao nhiêu hồ sơ khai số đó, và một giới hạn theo dải địa chỉ (IPv4 /24, IPv6 /64): 429 `otp.too_many_sends`. "
                + "Trong Development, đọc SMS tại `GET /api/dev/messages?to={phone}`.")
            .Produces(StatusCodes.Status202Accepted)
            .ProducesProblems(CommonProblems.NotFound, RegistrationProblems.NotEditable, RegistrationProblems.OtpTooSoon,
                RegistrationProblems.OtpTooMany, RegistrationProblems.SmsUnavailable);

        group.MapPost("/registrations/{id:guid}/phone-verification/confirm", async (Guid id, ConfirmPhoneCodeRequest request, ISender sender, HttpContext http, CancellationToken ct) =>
            {
                await sender.Send(new ConfirmPhoneCode(id, ApplicationAccess.Bearer(http.Request), request.Code), ct);
                return TypedResults.NoContent();
            })
            .WithName("ConfirmPhoneCode")
            // Each code dies after 5 wrong tries; this stops one address trying codes across many drafts.
            .RequireRateLimiting(RateLimits.PublicPerAddress)
            .WithBearerToken()
            .WithSummary("Xác nhận mã OTP · Confirm the OTP")
            .WithDescription("400 `otp.invalid` khi sai, `otp.expired` khi hết hạn; 429 `otp.too_many_attempts` sau 5 lần sai.")
            .Accepts<ConfirmPhoneCodeRequest>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblems([CommonProblems.Validation, .. OneTimeCodeOutcome.Problems, CommonProblems.NotFound, RegistrationProblems.NotEditable,
                CommonProblems.Conflict, RegistrationProblems.TooManyDrafts])
            .WithRequestExample(new ConfirmPhoneCodeRequest("482913"));
    }
}
