namespace VssId.Modules.Approval.Contracts;

/// <summary>An officer first claimed the case of an application: it is now UnderReview. Published at least once.</summary>
public sealed record ReviewStartedV1(Guid ApplicationId, string ApplicationNumber, DateTimeOffset StartedAt)
{
    /// <summary>Whose submission: <see cref="CaseKinds.Adult"/> or <see cref="CaseKinds.Child"/>.</summary>
    public string Kind { get; init; } = CaseKinds.Adult;
}

/// <summary>
/// An office rejected an application (final: the code is free for a new application). The reason comes from
/// the catalog, in both languages, with the officer's note. Published at least once.
/// </summary>
public sealed record ApplicationRejectedV1(Guid ApplicationId, string ApplicationNumber, string ReasonCode, string ReasonVi, string ReasonEn,
    string? Note, string Phone, string? Email, DateTimeOffset DecidedAt)
{
    /// <summary>Whose submission: <see cref="CaseKinds.Adult"/> or <see cref="CaseKinds.Child"/>.</summary>
    public string Kind { get; init; } = CaseKinds.Adult;
}

/// <summary>
/// An office asked for information the applicant can fix: the application reopens for editing and
/// resubmission (to the same case). Published at least once.
/// </summary>
public sealed record InformationRequestedV1(Guid ApplicationId, string ApplicationNumber, string ReasonCode, string ReasonVi, string ReasonEn,
    string? Note, string Phone, string? Email, DateTimeOffset DecidedAt)
{
    /// <summary>Whose submission: <see cref="CaseKinds.Adult"/> or <see cref="CaseKinds.Child"/>.</summary>
    public string Kind { get; init; } = CaseKinds.Adult;
}
