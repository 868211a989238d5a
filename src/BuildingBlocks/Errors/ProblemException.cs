namespace VssId.BuildingBlocks.Errors;

/// <summary>
/// Thrown by a handler to answer with a problem. The exception handler turns it into RFC 9457 JSON in
/// the caller's language; nothing has been stored when it is thrown before SaveChanges.
/// </summary>
public class ProblemException(ProblemType type, LocalizedText? detail = null, TimeSpan? retryAfter = null) : Exception(type.Code)
{
    /// <summary>For 429 and 503: when to try again (sent as <c>Retry-After</c>).</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>The problem kind.</summary>
    public ProblemType Type { get; } = type;

    /// <summary>The explanation for this occurrence, if any beyond the title.</summary>
    public LocalizedText? Detail { get; } = detail;
}

/// <summary>A 400 with field errors (<c>errors: {field: [messages]}</c>).</summary>
public sealed class ValidationProblemException(IReadOnlyList<(string Field, FieldError Error)> errors)
    : ProblemException(CommonProblems.Validation)
{
    /// <summary>The violations, field names in camelCase JSON paths.</summary>
    public IReadOnlyList<(string Field, FieldError Error)> Errors { get; } = errors;
}
