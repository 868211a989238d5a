using Marten;
using Marten.Exceptions;
using Mediator;
using Microsoft.Extensions.Logging;
using VssId.BuildingBlocks.Identifiers;
using VssId.BuildingBlocks.IntegrationEvents;
using VssId.BuildingBlocks.Security;
using VssId.Modules.Approval.Contracts;
using VssId.Modules.Credentials.Audit;
using VssId.Modules.Credentials.Domain;
using VssId.Modules.Credentials.Security;
using VssId.Modules.Notifications.Contracts;

namespace VssId.Modules.Credentials.Features.IssueAccount;

/// <summary>Opens the account of an approved application and sends its one-time password by SMS.</summary>
public sealed record IssueAccount(Guid ApplicationId, string BhxhCode, string FullName, string Phone, string? Email, string? IdentityNumber, string OfficeCode)
    : ICommand<Guid>
{
    /// <summary>A child's account (<see cref="CaseKinds.Child"/>): its password goes to the guardian's mobile, worded for them.</summary>
    public string Kind { get; init; } = CaseKinds.Adult;
    public string? AddressLine { get; init; }
    public string? ProvinceName { get; init; }

    /// <summary>A child's account: the guardian who receives the password (the message is theirs, and names the child).</summary>
    public string? GuardianBhxhCode { get; init; }
}

/// <summary>
/// Idempotent and crash-safe without a distributed transaction (ADR 0011): the account's stream id derives
/// from the mã số BHXH, the one-time password and the SMS id derive from the application id (the password
/// with the server key, so it is never stored in clear). Run again after a crash anywhere — before the
/// account's commit, between it and the SMS, after the SMS — it ends with one account and one SMS whose
/// password matches the stored hash.
/// </summary>
public sealed class IssueAccountHandler(
    IDocumentSession session,
    IDocumentStore store,
    PasswordHasher hasher,
    ServerKeys keys,
    IMessageSender messages,
    AuditTrail audit,
    TimeProvider time,
    ILogger<IssueAccountHandler> logger) : ICommandHandler<IssueAccount, Guid>
{
    public async ValueTask<Guid> Handle(IssueAccount command, CancellationToken cancellationToken)
    {
        var id = Account.IdFor(command.BhxhCode);
        var password = OneTimePassword.ForIssue(keys, command.ApplicationId);
        var account = await session.LoadAsync<Account>(id, cancellationToken);
        if (account is null)
        {
            var now = time.GetUtcNow();
            session.Events.StartStream<Account>(id, new AccountOpened(id, command.BhxhCode, command.Phone, command.ApplicationId, now)
            {
                FullName = command.FullName,
                Email = command.Email,
                IdentityNumber = command.IdentityNumber,
                OfficeCode = command.OfficeCode,
                AddressLine = command.AddressLine,
                ProvinceName = command.ProvinceName,
                OneTimePasswordHash = await hasher.HashAsync(password, cancellationToken),
                OneTimePasswordExpiresAt = now + OneTimePassword.Lifetime,
            });
            try
            {
                await session.SaveChangesAsync(cancellationToken);
                await audit.Record(new AuditEntry("system", AuditActions.AccountIssued, command.BhxhCode, true, null, null, $"application {command.ApplicationId}"), cancellationToken);
            }
            catch (ExistingStreamIdCollisionException)
            {
                // A concurrent delivery opened it first: read what it stored.
            }
            await using var query = store.QuerySession();
            account = await query.LoadAsync<Account>(id, cancellationToken);
        }
        if (account is null || account.ApplicationId != command.ApplicationId)
        {
            // The code already has an account from another application (Registration refuses that, so this is a
            // race at approval): nothing is issued twice.
            logger.LogWarning("Approval of application {ApplicationId} found an account from another application; no account issued", command.ApplicationId);
            return id;
        }
        // Sent at most once whatever the number of runs: the message id is the application's.
        await messages.SendSms(new SmsRequest(DerivedId.From(command.ApplicationId, "vssid.account-issued-sms"), command.Phone,
            command.Kind == CaseKinds.Child ? MessageTemplates.ChildAccountIssued : MessageTemplates.AccountIssued,
            new Dictionary<string, string> { ["bhxhCode"] = command.BhxhCode, ["password"] = password },
            command.GuardianBhxhCode is { } guardian ? [guardian, command.BhxhCode] : [command.BhxhCode]), cancellationToken);
        return id;
    }
}

/// <summary>Credentials' reaction to an approval: the account and its one-time password.</summary>
internal sealed class IssueAccountOnApproval(IMediator mediator) : IIntegrationEventHandler<ApplicationApprovedV1>
{
    public async Task Handle(ApplicationApprovedV1 approved, IntegrationEventContext context, CancellationToken cancellationToken) =>
        await mediator.Send(new IssueAccount(approved.ApplicationId, approved.BhxhCode, approved.FullName, approved.Phone, approved.Email,
            approved.IdentityNumber, approved.OfficeCode)
        {
            Kind = approved.Kind,
            AddressLine = approved.AddressLine,
            ProvinceName = approved.ProvinceName,
            GuardianBhxhCode = approved.GuardianBhxhCode,
        }, cancellationToken);
}
