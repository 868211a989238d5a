using System.Text.Json.Serialization;

namespace VssId.BuildingBlocks.Errors;

/// <summary>
/// The one error body of the API (RFC 9457 <c>application/problem+json</c>): what every 4xx and 5xx
/// answer carries, and the one <c>Problem</c> schema of the OpenAPI document.
/// </summary>
/// <param name="Type">A URI naming the problem kind: <c>urn:vssid:problem:{code}</c>.</param>
/// <param name="Title">The problem kind in the caller's language (Vietnamese unless <c>Accept-Language: en</c>).</param>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Detail">This occurrence explained, when there is more to say than the title.</param>
/// <param name="Instance">The path of the request.</param>
/// <param name="Code">The stable code integrators switch on; never renamed once published.</param>
/// <param name="TraceId">The W3C trace id of the request, for support.</param>
/// <param name="Errors">Validation problems only: the messages per field (camelCase JSON path).</param>
/// <param name="FieldErrors">Validation problems only: the stable code of each field error.</param>
public sealed record Problem(
    string Type,
    string Title,
    int Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail,
    string Instance,
    string Code,
    string TraceId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string[]>? Errors,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ProblemFieldError>? FieldErrors);

/// <summary>One field error of a validation problem.</summary>
/// <param name="Field">The camelCase JSON path of the field.</param>
/// <param name="Code">The stable code of the rule it broke.</param>
/// <param name="Message">The rule in the caller's language.</param>
public sealed record ProblemFieldError(string Field, string Code, string Message);
