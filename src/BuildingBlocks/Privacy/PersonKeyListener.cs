using System.Runtime.CompilerServices;
using JasperFx.Events;
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
        var streams = session.PendingChanges.Streams().ToLookup(stream => stream.ActionType == StreamActionType.Start);
        var inNewStreams = PersonalDataSealing.CarriersIn(streams[true].SelectMany(stream => stream.Events).Select(e => e.Data));
        var elsewhere = PersonalDataSealing.CarriersIn(streams[false].SelectMany(stream => stream.Events).Select(e => e.Data)
            .Concat(session.PendingChanges.Inserts()).Concat(session.PendingChanges.Updates()));
        if (inNewStreams.Count + elsewhere.Count == 0)
        {
            return;
        }
        // Named only by the streams this save starts (a registration, an enrolment): most likely people without a key yet.
        var newPeople = inNewStreams.Keys.Where(subject => !elsewhere.ContainsKey(subject)).ToHashSet(StringComparer.Ordinal);
        var carriers = inNewStreams.Concat(elsewhere).GroupBy(c => c.Key, c => c.Value, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.SelectMany(list => list).ToList(), StringComparer.Ordinal);
        var made = await keys().PrepareFor(session, carriers.Keys, newPeople, token);
        sealing.SealWith(carriers, made);
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
