using Marten;
using Marten.Exceptions;
using Mediator;
using VssId.Modules.Credentials.Domain;

namespace VssId.Modules.Credentials.Features.OpenAccount;

public sealed record OpenAccount(string BhxhCode, string Phone, Guid ApplicationId) : ICommand<Guid>;

/// <summary>
/// Opens the account of an approved application. It has no endpoint: the reaction to an approval
/// sends it (with the approval issue). Idempotent: opening an existing account answers its id and
/// appends nothing, so a redelivered approval is harmless.
/// </summary>
public sealed class OpenAccountHandler(IDocumentSession session, TimeProvider time) : ICommandHandler<OpenAccount, Guid>
{
    public async ValueTask<Guid> Handle(OpenAccount command, CancellationToken cancellationToken)
    {
        var id = Account.IdFor(command.BhxhCode);
        session.Events.StartStream<Account>(id, new AccountOpened(id, command.BhxhCode, command.Phone, command.ApplicationId, time.GetUtcNow()));
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (ExistingStreamIdCollisionException)
        {
        }
        return id;
    }
}
