using VssId.BuildingBlocks.Identifiers;
using System.Security.Cryptography;
using System.Text;

namespace VssId.Modules.Credentials.Domain;

/// <summary>An account opened for an approved application; the user name is the mã số BHXH.</summary>
public sealed record AccountOpened(Guid AccountId, string BhxhCode, string Phone, Guid ApplicationId, DateTimeOffset At);

/// <summary>
/// A person's VssID account (immutable; rebuilt from its events). Password, first-login change,
/// SmartOTP and lock-out come with the Credentials issue; opening is what Registration depends on.
/// </summary>
public sealed record Account
{
    public Guid Id { get; init; }
    public required string BhxhCode { get; init; }
    public required string Phone { get; init; }
    public Guid ApplicationId { get; init; }
    public DateTimeOffset OpenedAt { get; init; }

    public static Account Create(AccountOpened e) => new()
    {
        Id = e.AccountId,
        BhxhCode = e.BhxhCode,
        Phone = e.Phone,
        ApplicationId = e.ApplicationId,
        OpenedAt = e.At,
    };

    /// <summary>
    /// The account's stream id is derived from its user name: one code can only ever start one stream,
    /// so "at most one account per mã số BHXH" holds under any race, and opening twice is recognisable.
    /// </summary>
    public static Guid IdFor(string bhxhCode)
    {
        return DerivedId.FromKey("vssid.account", bhxhCode);
    }
}
