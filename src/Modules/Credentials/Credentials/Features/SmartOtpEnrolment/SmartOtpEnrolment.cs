using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Marten;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.BuildingBlocks.Security;
using VssId.Modules.Credentials.Audit;
using VssId.Modules.Credentials.Domain;
using VssId.Modules.Credentials.Security;
using VssId.Modules.Notifications.Contracts;

namespace VssId.Modules.Credentials.Features.SmartOtpEnrolment;

/// <summary>The SMS code that proves the holder still has the phone, and later the authenticator's code.</summary>
public sealed record SmartOtpCodeRequest
{
    [Required, RegularExpression(@"^\d{6}$")] public string? Code { get; init; }
}

/// <summary>The secret for the authenticator app: shown once.</summary>
public sealed record SmartOtpSecretResponse(string Secret, string OtpauthUri);

public sealed record SendSmartOtpSms(ClaimsPrincipal User) : ICommand;
public sealed record EnrolSmartOtp(ClaimsPrincipal User, string? SmsCode) : ICommand<SmartOtpSecretResponse>;
public sealed record ConfirmSmartOtp(ClaimsPrincipal User, string? Code) : ICommand;
public sealed record DisableSmartOtp(ClaimsPrincipal User, string? Code) : ICommand;

/// <summary>
/// SmartOTP in three steps: an SMS code to the account's phone (someone holding only a stolen token cannot
/// bind their own authenticator), then the secret, then a first code from the authenticator that turns it on.
/// Turning it off needs a current code.
/// </summary>
public sealed class SmartOtpHandlers(IDocumentSession session, IOneTimeCodes codes, SmartOtp smartOtp, AuditTrail audit, TimeProvider time)
    : ICommandHandler<SendSmartOtpSms>, ICommandHandler<EnrolSmartOtp, SmartOtpSecretResponse>, ICommandHandler<ConfirmSmartOtp>, ICommandHandler<DisableSmartOtp>
{
    private const string Purpose = "smart-otp-enrolment";

    public async ValueTask<Mediator.Unit> Handle(SendSmartOtpSms command, CancellationToken cancellationToken)
    {
        var account = await Load(command.User, cancellationToken);
        if (account.Phone is not { } phone)
        {
            throw new ProblemException(CommonProblems.NotFound);
        }
        var issue = await codes.IssueBySms(Purpose, account.Id.ToString(), phone, PhoneTrust.Verified, account.UserName, cancellationToken);
        if (issue.Status != OneTimeCodeIssueStatus.Sent)
        {
            throw new ProblemException(CredentialsProblems.OtpUnavailable, retryAfter: issue.RetryAfter);
        }
        return Mediator.Unit.Value;
    }

    public async ValueTask<SmartOtpSecretResponse> Handle(EnrolSmartOtp command, CancellationToken cancellationToken)
    {
        var account = await Load(command.User, cancellationToken);
        if (account.SmartOtpEnabledNow)
        {
            throw new ProblemException(CredentialsProblems.SmartOtpAlreadyEnabled);
        }
        if (command.SmsCode is not { Length: 6 } code || await codes.Verify(Purpose, account.Id.ToString(), code, cancellationToken) != OneTimeCodeCheck.Valid)
        {
            throw new ProblemException(CredentialsProblems.CodeInvalid);
        }
        var (protectedSecret, secret) = smartOtp.NewSecret();
        session.Events.Append(account.Id, new SmartOtpEnrolled(protectedSecret, time.GetUtcNow()));
        await session.SaveChangesAsync(cancellationToken);
        return new SmartOtpSecretResponse(secret, SmartOtp.UriFor(secret, account.UserName));
    }

    public async ValueTask<Mediator.Unit> Handle(ConfirmSmartOtp command, CancellationToken cancellationToken)
    {
        var account = await Load(command.User, cancellationToken);
        if (account.PendingSmartOtpSecret is not { } pending)
        {
            throw new ProblemException(CredentialsProblems.SmartOtpNotPending);
        }
        if (smartOtp.Verify(pending, command.Code, 0) is not { } step)
        {
            throw new ProblemException(CredentialsProblems.CodeInvalid);
        }
        session.Events.Append(account.Id, new SmartOtpEnabled(step, time.GetUtcNow()));
        await session.SaveChangesAsync(cancellationToken);
        await audit.Record(new AuditEntry(account.UserName, AuditActions.SmartOtpEnabled, account.UserName, true, null, null, null), cancellationToken);
        return Mediator.Unit.Value;
    }

    public async ValueTask<Mediator.Unit> Handle(DisableSmartOtp command, CancellationToken cancellationToken)
    {
        var account = await Load(command.User, cancellationToken);
        if (!account.SmartOtpEnabledNow)
        {
            throw new ProblemException(CredentialsProblems.SmartOtpNotEnabled);
        }
        if (smartOtp.Verify(account, command.Code) is not { } step)
        {
            throw new ProblemException(CredentialsProblems.CodeInvalid);
        }
        var now = time.GetUtcNow();
        session.Events.Append(account.Id, new SmartOtpUsed(step, now), new SmartOtpDisabled(now));
        await session.SaveChangesAsync(cancellationToken);
        await audit.Record(new AuditEntry(account.UserName, AuditActions.SmartOtpDisabled, account.UserName, true, null, null, null), cancellationToken);
        return Mediator.Unit.Value;
    }

    private async Task<Account> Load(ClaimsPrincipal user, CancellationToken cancellationToken) =>
        (Guid.TryParse(user.Subject(), out var id) ? await session.LoadAsync<Account>(id, cancellationToken) : null)
        ?? throw new ProblemException(CommonProblems.NotFound);
}

internal sealed class SmartOtpEndpoints : IEndpoint
{
    public void Map(IEndpointRouteBuilder group)
    {
        group.MapPost("/account/smart-otp/sms", async (ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
            {
                await sender.Send(new SendSmartOtpSms(user), ct);
                return TypedResults.Accepted((string?)null);
            })
            .WithName("SendSmartOtpSms")
            .RequireAccess(AccessPolicies.Person)
            .WithSummary("SmartOTP bước 1: mã SMS · SmartOTP step 1: an SMS code")
            .WithDescription("Gửi mã 6 chữ số tới số điện thoại của tài khoản (cùng giới hạn như mọi OTP).")
            .Produces(StatusCodes.Status202Accepted)
            .ProducesProblems(CredentialsProblems.OtpUnavailable, CommonProblems.NotFound);

        group.MapPost("/account/smart-otp", async (SmartOtpCodeRequest request, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await sender.Send(new EnrolSmartOtp(user, request.Code), ct)))
            .WithName("EnrolSmartOtp")
            .RequireAccess(AccessPolicies.Person)
            .WithSummary("SmartOTP bước 2: nhận khóa bí mật · SmartOTP step 2: the secret")
            .WithDescription("Với mã SMS của bước 1, trả khóa bí mật (base32) và `otpauthUri` để quét bằng ứng dụng xác thực. Chỉ hiển thị một lần; chưa có hiệu lực cho đến bước 3.")
            .WithRequestExample(new SmartOtpCodeRequest { Code = "482913" })
            .WithResponseExample(StatusCodes.Status200OK, new SmartOtpSecretResponse("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
                "otpauth://totp/VssID:0120169001?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=VssID&algorithm=SHA1&digits=6&period=30"))
            .ProducesProblems(CredentialsProblems.CodeInvalid, CredentialsProblems.SmartOtpAlreadyEnabled, CommonProblems.NotFound);

        group.MapPost("/account/smart-otp/confirm", async (SmartOtpCodeRequest request, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
            {
                await sender.Send(new ConfirmSmartOtp(user, request.Code), ct);
                return TypedResults.NoContent();
            })
            .WithName("ConfirmSmartOtp")
            .RequireAccess(AccessPolicies.Person)
            .WithSummary("SmartOTP bước 3: bật · SmartOTP step 3: enable")
            .WithDescription("Mã 6 chữ số từ ứng dụng xác thực. Từ nay đăng nhập cần thêm `otp`.")
            .WithRequestExample(new SmartOtpCodeRequest { Code = "204816" })
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblems(CredentialsProblems.CodeInvalid, CredentialsProblems.SmartOtpNotPending, CommonProblems.NotFound);

        group.MapDelete("/account/smart-otp", async ([FromBody] SmartOtpCodeRequest request, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
            {
                await sender.Send(new DisableSmartOtp(user, request.Code), ct);
                return TypedResults.NoContent();
            })
            .WithName("DisableSmartOtp")
            .RequireAccess(AccessPolicies.Person)
            .WithSummary("Tắt SmartOTP · Disable SmartOTP")
            .WithDescription("Cần một mã hiện tại của ứng dụng xác thực (trong thân yêu cầu, không đặt trên URL để không lọt vào nhật ký).")
            .WithRequestExample(new SmartOtpCodeRequest { Code = "204816" })
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblems(CredentialsProblems.CodeInvalid, CredentialsProblems.SmartOtpNotEnabled, CommonProblems.NotFound);
    }
}
