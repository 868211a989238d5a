using Marten;
using OpenIddict.Server;
using VssId.BuildingBlocks.Security;
using VssId.Modules.Credentials.Audit;
using VssId.Modules.Credentials.Domain;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace VssId.Modules.Credentials.Security;

/// <summary>
/// RFC 7009 revocation of a refresh token (OpenIddict has validated it): its whole family stops working, so
/// "log out" on one device ends that login everywhere it was refreshed. An access token is a JWT that lives
/// 15 minutes; revoking one is accepted and changes nothing.
/// </summary>
internal sealed class RevokeRefreshFamily(IDocumentSession session, TimeProvider time, AuditTrail audit) : IOpenIddictServerHandler<HandleRevocationRequestContext>
{
    public async ValueTask HandleAsync(HandleRevocationRequestContext context)
    {
        if (context.GenericTokenPrincipal?.FindFirst(VssIdClaims.Family)?.Value is not { } value || !Guid.TryParse(value, out var familyId))
        {
            return;
        }
        var family = await session.LoadAsync<RefreshFamily>(familyId, context.CancellationToken);
        if (family is not { RevokedAt: null })
        {
            return;
        }
        session.Store(family with { RevokedAt = time.GetUtcNow(), RevokedBecause = "revoked" });
        await session.SaveChangesAsync(context.CancellationToken);
        await audit.Record(new AuditEntry(context.GenericTokenPrincipal.FindFirst(VssIdClaims.UserName)?.Value ?? family.Subject, AuditActions.TokenRevoked,
            family.Subject, true, context.Request.ClientId, null, null), context.CancellationToken);
    }
}
