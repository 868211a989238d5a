using System.Runtime.CompilerServices;
using Marten;
using Marten.Services;

namespace VssId.BuildingBlocks.Privacy;

/// <summary>
/// Before every Marten save: the keys of the people whose data its events and documents hold are read into memory
/// asynchronously, and a new person's key is inserted by the save's own transaction and sealed into that save's
/// objects only (<see cref="PersonKeys.PrepareFor"/>); after the commit it is remembered. So the serializer, which
/// cannot await, finds every key it needs, and a registration's first event costs no separate commit. Documents a
/// save's inline projections write (the account) belong to the people of its events.
/// </summary>
public sealed class PersonKeyListener(PersonalDataSealing sealing, Func<PersonKeys> keys) : DocumentSessionListenerBase
{
    private readonly ConditionalWeakTable<IDocumentSession, IReadOnlyList<PersonKeys.NewKey>> _made = new();

    public override async Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        var serializer = session.DocumentStore.Options.Serializer();
        var values = session.PendingChanges.Streams().SelectMany(stream => stream.Events).Select(e => e.Data)
            .Concat(session.PendingChanges.Inserts()).Concat(session.PendingChanges.Updates());
        var carriers = PersonalDataSealing.CarriersIn(values, serializer.ToJson);
        if (carriers.Count == 0)
        {
            return;
        }
        var made = await keys().PrepareFor(session, carriers.Keys, token);
        foreach (var key in made)
        {
            sealing.SealWith(carriers[key.Subject], key);
        }
        if (made.Count > 0)
        {
            _made.AddOrUpdate(session, made);
        }
    }

    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        if (_made.TryGetValue(session, out var made))
        {
            _made.Remove(session);
            keys().Stored(made);
        }
        return Task.CompletedTask;
    }
}
