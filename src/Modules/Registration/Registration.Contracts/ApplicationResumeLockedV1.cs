namespace VssId.Modules.Registration.Contracts;

/// <summary>
/// Too many wrong resume codes for an application: resume is shut until <see cref="Until"/>. Registration
/// tells the owner on <see cref="Phone"/> (its verified mobile); published at least once.
/// </summary>
public sealed record ApplicationResumeLockedV1(Guid ApplicationId, string Phone, DateTimeOffset LockedAt, DateTimeOffset Until, string? BhxhCode = null);
