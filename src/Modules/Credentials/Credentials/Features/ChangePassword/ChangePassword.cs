using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Marten;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.BuildingBlocks.Security;
using VssId.Modules.Credentials.Audit;
using VssId.Modules.Credentials.Domain;
using VssId.Modules.Credentials.Security;

namespace VssId.Modules.Credentials.Features.ChangePassword;

public sealed record ChangePasswordRequest
{
    [Required, MaxLength(PasswordPolicy.MaxLength)] public string? CurrentPassword { get; init; }
    [Required, MaxLength(PasswordPolicy.MaxLength)] public string? NewPassword { get; init; }
}

public sealed record ChangePassword(ClaimsPrincipal User, ChangePasswordRequest Request, string? Address) : ICommand;

/// <summary>
/// The holder sets a password of their choice (the only thing a first-login token may do). The security
/// stamp moves on: every earlier access and refresh token stops working, and the new password logs in.
/// A wrong current password counts toward lock-out like a wrong login.
/// </summary>
public sealed class ChangePasswordHandler(IDocumentSession session, PasswordHasher hasher, PrincipalStamps stamps, AuditTrail audit, TimeProvider time) : ICommandHandler<ChangePassword>
{
    public async ValueTask<Mediator.Unit> Handle(ChangePassword command, CancellationToken cancellationToken)
    {
        var account = Guid.TryParse(command.User.Subject(), out var id) ? await session.LoadAsync<Account>(id, cancellationToken) : null;
        if (account is null)
        {
            throw new ProblemException(CommonProblems.NotFound);
        }
        var errors = new FieldErrors();
        var current = errors.Require("currentPassword", command.Request.CurrentPassword, CredentialsProblems.Required);
        var next = errors.Require("newPassword", command.Request.NewPassword, CredentialsProblems.Required);
        if (next is not null && PasswordPolicy.Check(next, account.UserName) is { } broken)
        {
            errors.Add("newPassword", broken);
        }
        else if (next is not null && next == current)
        {
            errors.Add("newPassword", CredentialsProblems.PasswordUnchanged);
        }
        errors.ThrowIfAny();
        var now = time.GetUtcNow();
        if (!await hasher.VerifyAsync(current!, account.PasswordHash, cancellationToken))
        {
            session.Events.Append(account.Id, account.RefusePassword(now));
            await session.SaveChangesAsync(cancellationToken);
            await audit.Record(new AuditEntry(account.UserName, AuditActions.PasswordChanged, account.UserName, false, null, command.Address, "wrong_current_password"), cancellationToken);
            throw new ProblemException(CredentialsProblems.WrongPassword);
        }
        session.Events.Append(account.Id, new PasswordChanged(await hasher.HashAsync(next!, cancellationToken), PasswordChangeHow.Change, now));
        PrincipalStamps.Announce(session, account.Id.ToString());
        await session.SaveChangesAsync(cancellationToken);
        stamps.Forget(account.Id.ToString());
        await audit.Record(new AuditEntry(account.UserName, AuditActions.PasswordChanged, account.UserName, true, null, command.Address, null), cancellationToken);
        return Mediator.Unit.Value;
    }
}

internal sealed class ChangePasswordEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapPost("/account/password", async (ChangePasswordRequest request, ClaimsPrincipal user, HttpContext http, ISender sender, CancellationToken ct) =>
            {
                await sender.Send(new ChangePassword(user, request, http.Connection.RemoteIpAddress?.ToString()), ct);
                return TypedResults.NoContent();
            })
            .WithName("ChangePassword")
            .RequireAccess(AccessPolicies.PasswordChange)
            .WithSummary("Đổi mật khẩu · Change the password")
            .WithDescription("Bắt buộc sau lần đăng nhập đầu. Mật khẩu mới ≥ 8 ký tự, khác tên đăng nhập, không thuộc danh sách mật khẩu phổ biến. "
                + "Mọi token cũ (kể cả refresh token) hết hiệu lực; đăng nhập lại bằng mật khẩu mới.")
            .WithRequestExample(new ChangePasswordRequest { CurrentPassword = "k7m2p9x4ab", NewPassword = "Sông Hồng chảy qua 36 phố" })
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblems(CredentialsProblems.WrongPassword, CommonProblems.Validation, CommonProblems.NotFound);
}
