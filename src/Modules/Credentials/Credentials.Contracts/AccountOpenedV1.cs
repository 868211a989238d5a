namespace VssId.Modules.Credentials.Contracts;

/// <summary>
/// A person has an account: its user name is their mã số BHXH. Published at least once per account
/// (handlers are idempotent); a code has at most one account, so <see cref="BhxhCode"/> identifies it too.
/// </summary>
public sealed record AccountOpenedV1(Guid AccountId, string BhxhCode, DateTimeOffset OpenedAt);
