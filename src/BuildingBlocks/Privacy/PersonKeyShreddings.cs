using VssId.BuildingBlocks.Marten;

namespace VssId.BuildingBlocks.Privacy;

/// <summary>
/// Crypto-shredding takes effect in every process at the erasure's commit, not when their caches expire: each
/// process forgets the keys <see cref="PersonKeys.Shred"/> announces, and everything it remembered when it listens
/// again after a lost connection (a shredding may have been announced meanwhile).
/// </summary>
public sealed class PersonKeyShreddings(PersonKeys keys) : IPostgresChannel
{
    public string Channel => PersonKeys.ShreddedChannel;

    public void OnListening() => keys.ForgetEverything();

    public void OnNotification(string payload)
    {
        if (Guid.TryParse(payload, out var id))
        {
            keys.Shredded(id);
        }
    }

    // Deaf, nothing is forgotten at once: keys remembered stay for at most PersonKeys.CacheFor, and listening again
    // forgets them all.
}
