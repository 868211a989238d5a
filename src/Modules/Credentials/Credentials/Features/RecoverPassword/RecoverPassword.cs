using System.ComponentModel.DataAnnotations;
using Marten;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.Modules.Credentials.Audit;
using VssId.Modules.Credentials.Domain;
using VssId.Modules.Credentials.Security;
using VssId.Modules.Notifications.Contracts;

namespace VssId.Modules.Credentials.Features.RecoverPassword;

public sealed record PasswordResetRequest
{
    [Required, RegularExpression(@"^\d{10}$")] public string? BhxhCode { get; init; }
    [Required, AllowedValues("sms", "email")] public string? Channel { get; init; }
}

public sealed record PasswordResetConfirmation
{
    [Required, RegularExpression(@"^\d{10}$")] public string? BhxhCode { get; init; }
    [Required, RegularExpression(@"^\d{6}$")] public string? Code { get; init; }
    [Required, MaxLength(PasswordPolicy.MaxLength)] public string? NewPassword { get; init; }
}

public sealed record RequestPasswordReset(PasswordResetRequest Request) : ICommand;

public sealed record ConfirmPasswordReset(PasswordResetConfirmation Request, string? Address) : ICommand;

/// <summary>
/// "Quên mật khẩu": a 6-digit code to the verified mobile or the email on file. The answer is the same 202
/// whether the account exists, has that channel, or has asked too often — nobody learns which codes have
/// accounts. A valid code sets the new password and lifts a lock.
/// </summary>
public sealed class PasswordResetHandlers(IDocumentSession session, IOneTimeCodes codes, PasswordHasher hasher, PrincipalStamps stamps, AuditTrail audit,
    TimeProvider time, ILogger<PasswordResetHandlers> logger) : ICommandHandler<RequestPasswordReset>, ICommandHandler<ConfirmPasswordReset>
{
    private const string Purpose = "password-reset";

    public async ValueTask<Mediator.Unit> Handle(RequestPasswordReset command, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var code = errors.Require("bhxhCode", command.Request.BhxhCode is { Length: 10 } c && c.All(char.IsAsciiDigit) ? c : null, CredentialsProblems.BhxhCodeInvalid);
        var channel = errors.Require("channel", command.Request.Channel is "sms" or "email" ? command.Request.Channel : null, CredentialsProblems.ChannelInvalid);
        errors.ThrowIfAny();
        var account = await session.LoadAsync<Account>(Account.IdFor(code!), cancellationToken);
        if (account is null || account.Closed)
        {
            return Mediator.Unit.Value;
        }
        var issue = channel == "email"
            ? account.Email is { } email ? await codes.IssueByEmail(Purpose, account.Id.ToString(), email, account.UserName, cancellationToken) : null
            : account.Phone is { } phone ? await codes.IssueBySms(Purpose, account.Id.ToString(), phone, PhoneTrust.Verified, account.UserName, cancellationToken) : null;
        if (issue is { Status: not OneTimeCodeIssueStatus.Sent })
        {
            logger.LogInformation("Password reset code for account {AccountId} not sent: {Status}", account.Id, issue.Status);
        }
        return Mediator.Unit.Value;
    }

    public async ValueTask<Mediator.Unit> Handle(ConfirmPasswordReset command, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var bhxhCode = errors.Require("bhxhCode", command.Request.BhxhCode is { Length: 10 } c && c.All(char.IsAsciiDigit) ? c : null, CredentialsProblems.BhxhCodeInvalid);
        var code = errors.Require("code", command.Request.Code is { Length: 6 } k && k.All(char.IsAsciiDigit) ? k : null, CredentialsProblems.CodeFormat);
        var next = errors.Require("newPassword", command.Request.NewPassword, CredentialsProblems.Required);
        if (next is not null && bhxhCode is not null && PasswordPolicy.Check(next, bhxhCode) is { } broken)
        {
            errors.Add("newPassword", broken);
        }
        errors.ThrowIfAny();
        var account = await session.LoadAsync<Account>(Account.IdFor(bhxhCode!), cancellationToken);
        if (account is null || account.Closed || await codes.Verify(Purpose, account.Id.ToString(), code!, cancellationToken) != OneTimeCodeCheck.Valid)
        {
            await audit.Record(new AuditEntry(bhxhCode!, AuditActions.PasswordReset, bhxhCode, false, null, command.Address, "code_invalid"), cancellationToken);
            throw new ProblemException(CredentialsProblems.CodeInvalid);
        }
        session.Events.Append(account.Id, new PasswordChanged(await hasher.HashAsync(next!, cancellationToken), PasswordChangeHow.Recovery, time.GetUtcNow()));
        PrincipalStamps.Announce(session, account.Id.ToString());
        await session.SaveChangesAsync(cancellationToken);
        stamps.Forget(account.Id.ToString());
        await audit.Record(new AuditEntry(account.UserName, AuditActions.PasswordReset, account.UserName, true, null, command.Address, null), cancellationToken);
        return Mediator.Unit.Value;
    }
}

internal sealed class PasswordResetEndpoints : IEndpoint
{
    public void Map(IEndpointRouteBuilder group)
    {
        group.MapPost("/auth/password-reset", async (PasswordResetRequest request, ISender sender, CancellationToken ct) =>
            {
                await sender.Send(new RequestPasswordReset(request), ct);
                return TypedResults.Accepted((string?)null);
            })
            .WithName("RequestPasswordReset")
            .RequireRateLimiting(CredentialsModule.RecoveryRateLimit)
            .WithSummary("Quên mật khẩu: gửi mã · Forgot password: send a code")
            .WithDescription("Luôn trả 202 (không tiết lộ mã số BHXH nào có tài khoản). Mã 6 chữ số gửi tới số điện thoại đã xác thực (`sms`) hoặc email đã đăng ký (`email`), hiệu lực 5 phút.")
            .WithRequestExample(new PasswordResetRequest { BhxhCode = "0120169001", Channel = "sms" })
            .Produces(StatusCodes.Status202Accepted)
            .ProducesProblems(CommonProblems.Validation);

        group.MapPost("/auth/password-reset/confirm", async (PasswordResetConfirmation request, HttpContext http, ISender sender, CancellationToken ct) =>
            {
                await sender.Send(new ConfirmPasswordReset(request, http.Connection.RemoteIpAddress?.ToString()), ct);
                return TypedResults.NoContent();
            })
            .WithName("ConfirmPasswordReset")
            .RequireRateLimiting(CredentialsModule.RecoveryRateLimit)
            .WithSummary("Quên mật khẩu: đặt mật khẩu mới · Forgot password: set a new one")
            .WithDescription("Mã đúng → mật khẩu mới có hiệu lực, tài khoản đang bị khóa được mở, mọi token cũ hết hiệu lực.")
            .WithRequestExample(new PasswordResetConfirmation { BhxhCode = "0120169001", Code = "482913", NewPassword = "Sông Hồng chảy qua 36 phố" })
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblems(CredentialsProblems.CodeInvalid, CommonProblems.Validation);
    }
}
