using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using VssId.BuildingBlocks.Marten;
using VssId.BuildingBlocks.Security;
using VssId.Modules.Credentials.Domain;

namespace VssId.Modules.Credentials.Security;

/// <summary>
/// Whether the account or API client behind an access token is still as it was when the token was issued:
/// open, same security stamp (no password change, no closure), client not revoked. Asked on every request
/// with a token, so the answer is remembered per subject — and forgotten the moment it changes: the change
/// commits a <c>NOTIFY</c> in its own transaction, every process LISTENs, and the process that made the
/// change forgets at once. While the LISTEN connection is down nothing is remembered (every request reads
/// PostgreSQL), so a missed notification can never keep a disabled account in.
/// </summary>
public sealed class PrincipalStamps(IServiceScopeFactory scopes) : IPostgresChannel
{
    public const string ChannelName = "vssid_principal_changed";
    private const int MaxRemembered = 200_000;

    // subject → the stamp in force ("client" for a live client), or null when the subject may not use tokens.
    private readonly ConcurrentDictionary<string, string?> _remembered = new(StringComparer.Ordinal);
    private long _changes;
    private volatile bool _listening;

    public string Channel => ChannelName;

    /// <summary>Queues the notification into <paramref name="session"/>'s transaction: it is sent if and only if the change commits.</summary>
    public static void Announce(IDocumentSession session, string subject)
    {
        // NOTIFY takes a literal, not a parameter (and a SELECT pg_notify would add a result set to Marten's
        // batch): subjects are account GUIDs and client ids, checked to be plain before they are inlined.
        if (subject.Length is 0 or > 64 || !subject.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException("A subject is a GUID or a client id.", nameof(subject));
        }
        session.QueueSqlCommand($"NOTIFY {ChannelName}, '{subject}'");
    }

    /// <summary>Forgets <paramref name="subject"/> in this process (right after the change committed here).</summary>
    public void Forget(string subject)
    {
        Interlocked.Increment(ref _changes);
        _remembered.TryRemove(subject, out _);
    }

    public async ValueTask<bool> IsCurrent(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var isClient = principal.FindFirst(VssIdClaims.Role) is null;
        var subject = principal.FindFirst(VssIdClaims.Subject)?.Value;
        if (subject is null)
        {
            return false;
        }
        var expected = isClient ? "client" : principal.FindFirst(VssIdClaims.Stamp)?.Value;
        if (_listening && _remembered.TryGetValue(subject, out var remembered))
        {
            return remembered is not null && remembered == expected;
        }
        var changesBefore = Interlocked.Read(ref _changes);
        var current = await Read(subject, isClient, cancellationToken);
        // Remembered only if no change was announced while it was read (else the read may predate it).
        if (_listening && Interlocked.Read(ref _changes) == changesBefore)
        {
            if (_remembered.Count >= MaxRemembered)
            {
                _remembered.Clear();
            }
            _remembered[subject] = current;
        }
        return current is not null && current == expected;
    }

    private async Task<string?> Read(string subject, bool isClient, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<IQuerySession>();
        if (isClient)
        {
            var client = subject.Length <= 64 ? await session.LoadAsync<ApiClient>(subject, cancellationToken) : null;
            return client is { Revoked: false } ? "client" : null;
        }
        var account = Guid.TryParse(subject, out var id) ? await session.LoadAsync<Account>(id, cancellationToken) : null;
        return account is { Closed: false } ? account.SecurityStamp.ToString(CultureInfo.InvariantCulture) : null;
    }

    public void OnListening()
    {
        // Anything remembered before this connection listened may have missed a change.
        Interlocked.Increment(ref _changes);
        _remembered.Clear();
        _listening = true;
    }

    public void OnNotification(string payload) => Forget(payload);

    public void OnDeaf()
    {
        _listening = false;
        _remembered.Clear();
    }
}
