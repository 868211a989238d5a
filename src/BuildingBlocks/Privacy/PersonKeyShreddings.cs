using Microsoft.Extensions.Logging;
using Npgsql;
using VssId.BuildingBlocks.Marten;

namespace VssId.BuildingBlocks.Privacy;

/// <summary>
/// Crypto-shredding takes effect in every process at the erasure's commit, not when their caches expire: each
/// process forgets the keys <see cref="PersonKeys.Shred"/> announces, and everything it remembered when it listens
/// again after a lost connection (a shredding may have been announced meanwhile).
/// </summary>
public sealed class PersonKeyShreddings(PersonKeys keys, NpgsqlDataSource database, ILogger<PersonKeyShreddings> logger)
    : PostgresListener(database, PersonKeys.ShreddedChannel, logger)
{
    protected override void OnListening() => keys.ForgetEverything();

    protected override void OnNotification(string payload)
    {
        if (Guid.TryParse(payload, out var id))
        {
            keys.Shredded(id);
        }
    }
}
