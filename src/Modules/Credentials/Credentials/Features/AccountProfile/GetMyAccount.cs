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
using VssId.Modules.Credentials.Domain;

namespace VssId.Modules.Credentials.Features.AccountProfile;

public sealed record GetMyAccount(ClaimsPrincipal User) : IQuery<MyAccountResponse>;

/// <summary>The caller's own account; the phone is masked (the holder knows it, a shoulder-surfer need not).</summary>
public sealed record MyAccountResponse(
    string UserName,
    string? BhxhCode,
    string? FullName,
    string? Phone,
    string? Email,
    [property: AllowedValues("PendingFirstLogin", "Active", "Locked", "Closed")] string Status,
    bool SmartOtpEnabled,
    IReadOnlyList<string> Roles,
    string? OfficeCode);

public sealed class GetMyAccountHandler(IQuerySession session, TimeProvider time) : IQueryHandler<GetMyAccount, MyAccountResponse>
{
    public async ValueTask<MyAccountResponse> Handle(GetMyAccount query, CancellationToken cancellationToken)
    {
        var account = Guid.TryParse(query.User.Subject(), out var id) ? await session.LoadAsync<Account>(id, cancellationToken) : null;
        if (account is null)
        {
            throw new ProblemException(CommonProblems.NotFound);
        }
        return new MyAccountResponse(account.UserName, account.BhxhCode, account.FullName, MaskPhone(account.Phone), account.Email,
            account.StatusAt(time.GetUtcNow()).ToString(), account.SmartOtpEnabledNow, [account.Role], account.OfficeCode);
    }

    public static string? MaskPhone(string? phone) =>
        phone is { Length: >= 8 } p ? p[..3] + new string('*', p.Length - 6) + p[^3..] : phone is null ? null : "***";
}

internal sealed class GetMyAccountEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/account/me", async (ClaimsPrincipal user, ISender sender, CancellationToken ct) => TypedResults.Ok(await sender.Send(new GetMyAccount(user), ct)))
            .WithName("GetMyAccount")
            .RequireAccess(AccessPolicies.Person)
            .WithSummary("Tài khoản của tôi · My account")
            .WithDescription("Token của lần đăng nhập đầu (`password_change_required`) bị từ chối (403) cho đến khi đổi mật khẩu.")
            .WithResponseExample(StatusCodes.Status200OK, new MyAccountResponse("0120169001", "0120169001", "Nguyễn Văn An", "035****001", "an.nguyen@example.vn",
                "Active", false, [Roles.Citizen], null))
            .ProducesProblems(CommonProblems.NotFound);
}
