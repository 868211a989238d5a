using VssId.BuildingBlocks.Identifiers;
using VssId.BuildingBlocks.Privacy;
using VssId.BuildingBlocks.Security;
using VssId.Modules.Credentials.Security;

namespace VssId.Modules.Credentials.Domain;

/// <summary>
/// A citizen's account was opened for an approved application: the user name is the mã số BHXH and the
/// password is a one-time password (hash only) that must be changed at first login.
/// </summary>
public sealed record AccountOpened(Guid AccountId, string BhxhCode, [property: PersonalData] string Phone, Guid ApplicationId, DateTimeOffset At)
    : IDataSubject
{
    [PersonalData] public string? FullName { get; init; }
    [PersonalData] public string? Email { get; init; }
    [PersonalData] public string? IdentityNumber { get; init; }
    public string? OfficeCode { get; init; }

    /// <summary>The contact address in words and its province, as the approved declaration gave them.</summary>
    [PersonalData] public string? AddressLine { get; init; }
    public string? ProvinceName { get; init; }
    public string? OneTimePasswordHash { get; init; }
    public DateTimeOffset? OneTimePasswordExpiresAt { get; init; }

    string? IDataSubject.DataSubject => BhxhCode;
}

/// <summary>An administrator created a staff user; <see cref="MustChangePassword"/> is false only for the development admin.</summary>
public sealed record StaffUserCreated(Guid AccountId, string UserName, string FullName, string Role, string? OfficeCode,
    string PasswordHash, bool MustChangePassword, string CreatedBy, DateTimeOffset At);

/// <summary>The holder set a password of their choice (first-login change, change, or recovery).</summary>
public sealed record PasswordChanged(string PasswordHash, string How, DateTimeOffset At);

/// <summary>A password was refused (counted toward lock-out).</summary>
public sealed record LoginFailed(DateTimeOffset At);

/// <summary>Five refusals in a row: no login until <see cref="Until"/>.</summary>
public sealed record AccountLocked(DateTimeOffset Until, DateTimeOffset At);

/// <summary>A successful login after refusals: the count starts again.</summary>
public sealed record FailedLoginsCleared(DateTimeOffset At);

/// <summary>The account is closed (a disabled staff user): its tokens stop working at once.</summary>
public sealed record AccountClosed(string By, DateTimeOffset At);

/// <summary>A TOTP secret was generated (encrypted with Data Protection); not in force until confirmed.</summary>
public sealed record SmartOtpEnrolled(string ProtectedSecret, DateTimeOffset At);

/// <summary>The holder proved the authenticator works: from now on login needs <c>otp</c>.</summary>
public sealed record SmartOtpEnabled(long TimeStep, DateTimeOffset At);

/// <summary>A login was completed with the TOTP code of <see cref="TimeStep"/>: that code is spent.</summary>
public sealed record SmartOtpUsed(long TimeStep, DateTimeOffset At);

/// <summary>SmartOTP switched off (with a current code).</summary>
public sealed record SmartOtpDisabled(DateTimeOffset At);

/// <summary>The states of <c>product.md</c>; <see cref="Locked"/> ends by itself when its time is over.</summary>
public enum AccountStatus
{
    PendingFirstLogin,
    Active,
    Locked,
    Closed,
}

/// <summary>
/// A person's VssID account — a citizen (user name = mã số BHXH) or a staff user (officer, admin) —
/// rebuilt from its events (immutable). Decisions about logging in live here; the token service only
/// turns an accepted login into tokens.
/// </summary>
public sealed record Account : IDataSubject
{
    public const int MaxFailedLogins = 5;
    public static readonly TimeSpan LockDuration = TimeSpan.FromMinutes(15);

    public Guid Id { get; init; }
    public required string UserName { get; init; }
    public string? BhxhCode { get; init; }
    [PersonalData] public string? FullName { get; init; }
    [PersonalData] public string? Phone { get; init; }
    [PersonalData] public string? Email { get; init; }
    [PersonalData] public string? IdentityNumber { get; init; }
    [PersonalData] public string? AddressLine { get; init; }
    public string? ProvinceName { get; init; }
    public required string Role { get; init; }
    public string? OfficeCode { get; init; }
    public Guid ApplicationId { get; init; }
    public DateTimeOffset OpenedAt { get; init; }
    public required string PasswordHash { get; init; }

    /// <summary>The one-time password's end; null once the holder chose a password.</summary>
    public DateTimeOffset? PasswordExpiresAt { get; init; }

    public bool MustChangePassword { get; init; }
    public int FailedLogins { get; init; }
    public DateTimeOffset? LockedUntil { get; init; }
    public bool Closed { get; init; }

    /// <summary>Bumped by a password change and a closure: tokens carrying an older stamp are refused.</summary>
    public int SecurityStamp { get; init; }

    public string? PendingSmartOtpSecret { get; init; }
    public string? SmartOtpSecret { get; init; }

    /// <summary>The last TOTP time step accepted: a code is never accepted twice (RFC 6238 §5.2).</summary>
    public long SmartOtpLastStep { get; init; }

    // A citizen's data is sealed with their key; a staff user (no mã số BHXH) is nobody's data subject here.
    string? IDataSubject.DataSubject => BhxhCode;

    public static Account Create(AccountOpened e) => new()
    {
        Id = e.AccountId,
        UserName = e.BhxhCode,
        BhxhCode = e.BhxhCode,
        FullName = e.FullName,
        Phone = e.Phone,
        Email = e.Email,
        IdentityNumber = e.IdentityNumber,
        AddressLine = e.AddressLine,
        ProvinceName = e.ProvinceName,
        Role = Roles.Citizen,
        ApplicationId = e.ApplicationId,
        OpenedAt = e.At,
        // Accounts opened before one-time passwords existed have no password until recovery sets one.
        PasswordHash = e.OneTimePasswordHash ?? "",
        PasswordExpiresAt = e.OneTimePasswordExpiresAt,
        MustChangePassword = true,
    };

    public static Account Create(StaffUserCreated e) => new()
    {
        Id = e.AccountId,
        UserName = e.UserName,
        FullName = e.FullName,
        Role = e.Role,
        OfficeCode = e.OfficeCode,
        OpenedAt = e.At,
        PasswordHash = e.PasswordHash,
        MustChangePassword = e.MustChangePassword,
        // A staff user's initial password is as short-lived as a citizen's one-time password.
        PasswordExpiresAt = e.MustChangePassword ? e.At + OneTimePassword.Lifetime : null,
    };

    public Account Apply(PasswordChanged e) => this with
    {
        PasswordHash = e.PasswordHash, PasswordExpiresAt = null, MustChangePassword = false, SecurityStamp = SecurityStamp + 1,
        FailedLogins = 0, LockedUntil = e.How == PasswordChangeHow.Recovery ? null : LockedUntil,
    };

    public Account Apply(LoginFailed e) => this with { FailedLogins = FailedLogins + 1 };
    public Account Apply(AccountLocked e) => this with { LockedUntil = e.Until, FailedLogins = 0 };
    public Account Apply(FailedLoginsCleared e) => this with { FailedLogins = 0 };
    public Account Apply(AccountClosed e) => this with { Closed = true, SecurityStamp = SecurityStamp + 1 };
    public Account Apply(SmartOtpEnrolled e) => this with { PendingSmartOtpSecret = e.ProtectedSecret };
    public Account Apply(SmartOtpEnabled e) => this with { SmartOtpSecret = PendingSmartOtpSecret, PendingSmartOtpSecret = null, SmartOtpLastStep = e.TimeStep };
    public Account Apply(SmartOtpUsed e) => this with { SmartOtpLastStep = e.TimeStep };
    public Account Apply(SmartOtpDisabled e) => this with { SmartOtpSecret = null, PendingSmartOtpSecret = null };

    public bool SmartOtpEnabledNow => SmartOtpSecret is not null;

    public AccountStatus StatusAt(DateTimeOffset now) =>
        Closed ? AccountStatus.Closed
        : LockedUntil > now ? AccountStatus.Locked
        : MustChangePassword ? AccountStatus.PendingFirstLogin
        : AccountStatus.Active;

    /// <summary>
    /// The events a refused password leads to: one more failure, and the lock when it is the fifth in a row.
    /// </summary>
    public IReadOnlyList<object> RefusePassword(DateTimeOffset now) =>
        FailedLogins + 1 >= MaxFailedLogins
            ? [new LoginFailed(now), new AccountLocked(now + LockDuration, now)]
            : [new LoginFailed(now)];

    /// <summary>The events an accepted password leads to (the failure count starts again).</summary>
    public IReadOnlyList<object> AcceptPassword(DateTimeOffset now) => FailedLogins > 0 ? [new FailedLoginsCleared(now)] : [];

    /// <summary>Whether the password in force has expired (a one-time or initial password older than 7 days).</summary>
    public bool PasswordExpired(DateTimeOffset now) => PasswordExpiresAt is { } end && end <= now;

    /// <summary>
    /// The account's stream id is derived from its user name: one name can only ever start one stream,
    /// so "at most one account per mã số BHXH" holds under any race, and opening twice is recognisable.
    /// Staff names are compared case-insensitively.
    /// </summary>
    public static Guid IdFor(string userName) => DerivedId.FromKey("vssid.account", userName.Trim().ToLowerInvariant());
}

/// <summary>How a password was set.</summary>
public static class PasswordChangeHow
{
    public const string Change = "change";
    public const string Recovery = "recovery";
}
