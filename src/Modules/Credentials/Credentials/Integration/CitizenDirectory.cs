using Marten;
using VssId.BuildingBlocks.Security;
using VssId.Modules.Credentials.Contracts;
using VssId.Modules.Credentials.Domain;

namespace VssId.Modules.Credentials.Integration;

/// <summary>
/// Citizens' accounts for the other modules, from the account snapshots. Active means a password of the
/// holder's choosing is in force: not waiting for the first-login change, not closed. A temporary lock from
/// wrong passwords typed elsewhere does not make a logged-in holder inactive.
/// </summary>
internal sealed class CitizenDirectory(IQuerySession session, TimeProvider time) : ICitizenDirectory
{
    public async Task<CitizenAccountV1?> Find(Guid accountId, CancellationToken cancellationToken) =>
        Describe(await session.LoadAsync<Account>(accountId, cancellationToken));

    public async Task<CitizenAccountV1?> FindByBhxhCode(string bhxhCode, CancellationToken cancellationToken) =>
        Describe(await session.LoadAsync<Account>(Account.IdFor(bhxhCode), cancellationToken));

    public async Task<IReadOnlyDictionary<string, CitizenAccountV1>> FindByBhxhCodes(IReadOnlyCollection<string> bhxhCodes, CancellationToken cancellationToken)
    {
        var accounts = await session.LoadManyAsync<Account>(cancellationToken, bhxhCodes.Select(Account.IdFor).Distinct().ToArray());
        return accounts.Select(Describe).OfType<CitizenAccountV1>().ToDictionary(a => a.BhxhCode, StringComparer.Ordinal);
    }

    private CitizenAccountV1? Describe(Account? account) =>
        account is { Role: Roles.Citizen, BhxhCode: { } code }
            ? new CitizenAccountV1(account.Id, code, account.FullName ?? "", account.IdentityNumber, account.Phone ?? "", account.Email,
                account.AddressLine, account.ProvinceName, account.StatusAt(time.GetUtcNow()) is AccountStatus.Active or AccountStatus.Locked)
            : null;
}
