namespace VssId.Modules.Credentials.Contracts;

/// <summary>A citizen's account as other modules may know it (a guardian's profile, whether a code has an account).</summary>
public sealed record CitizenAccountV1(
    Guid AccountId,
    string BhxhCode,
    string FullName,
    string? IdentityNumber,
    string Phone,
    string? Email,
    string? AddressLine,
    string? ProvinceName,
    bool Active);

/// <summary>Reads citizens' accounts (never staff users).</summary>
public interface ICitizenDirectory
{
    /// <summary>The citizen whose access token names <paramref name="accountId"/> as its subject, or null.</summary>
    Task<CitizenAccountV1?> Find(Guid accountId, CancellationToken cancellationToken);

    /// <summary>The account of a mã số BHXH (its user name), or null when the code has none.</summary>
    Task<CitizenAccountV1?> FindByBhxhCode(string bhxhCode, CancellationToken cancellationToken);

    /// <summary>The accounts of <paramref name="bhxhCodes"/> that have one, by code (one query for a school's roster).</summary>
    Task<IReadOnlyDictionary<string, CitizenAccountV1>> FindByBhxhCodes(IReadOnlyCollection<string> bhxhCodes, CancellationToken cancellationToken);
}
