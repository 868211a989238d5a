using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using VssId.BuildingBlocks.Errors;

namespace VssId.BuildingBlocks.OpenApi;

/// <summary>An example body shown in Swagger for one status code of an endpoint.</summary>
public sealed record ResponseExample(int StatusCode, object Example);

/// <summary>An example request body shown in Swagger.</summary>
public sealed record RequestExample(object Example);

/// <summary>An example <c>text/csv</c> request body shown in Swagger.</summary>
public sealed record CsvRequestExample(string Csv);

/// <summary>A description, example and closed set of values for a query or route parameter shown in Swagger.</summary>
public sealed record ParameterDoc(string Name, string Description, string Example, IReadOnlyList<string>? AllowedValues, bool Required, string? EnumName);

/// <summary>The problems (by stable code) an endpoint answers; their statuses are declared from them.</summary>
public sealed record ProblemResponses(IReadOnlyList<ProblemType> Types);

/// <summary>Marks an endpoint that needs a bearer token, so Swagger shows the lock only where it applies.</summary>
public sealed record BearerTokenRequired;

/// <summary>How an endpoint documents itself for the OpenAPI contract (read by the Host's Swagger filters).</summary>
public static class EndpointDocumentation
{
    /// <summary>Shows <paramref name="example"/> as the body of the <paramref name="statusCode"/> answer.</summary>
    public static TBuilder WithResponseExample<TBuilder>(this TBuilder builder, int statusCode, object example)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ResponseExample(statusCode, example));

    /// <summary>Shows <paramref name="example"/> as the request body.</summary>
    public static TBuilder WithRequestExample<TBuilder>(this TBuilder builder, object example)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestExample(example));

    /// <summary>Shows <paramref name="csv"/> as the example of a <c>text/csv</c> request body.</summary>
    public static TBuilder WithCsvRequestExample<TBuilder>(this TBuilder builder, string csv)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new CsvRequestExample(csv));

    /// <summary>
    /// Documents the parameter <paramref name="name"/>; <paramref name="allowedValues"/> makes it an enum, a
    /// shared component schema when <paramref name="enumName"/> names it (one type in a generated client).
    /// </summary>
    public static TBuilder WithParameter<TBuilder>(this TBuilder builder, string name, string description, string example,
        IReadOnlyList<string>? allowedValues = null, bool required = false, string? enumName = null)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ParameterDoc(name, description, example, allowedValues, required, enumName));

    /// <summary>Documents that the endpoint needs <c>Authorization: Bearer …</c> (401 and the lock in Swagger follow).</summary>
    public static TBuilder WithBearerToken<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new BearerTokenRequired());

    /// <summary>
    /// Declares the problems the endpoint answers, by code: each status among them is documented with the
    /// <see cref="Problem"/> schema and one example per code. Malformed bodies, 401 for bearer endpoints,
    /// 429 for rate-limited ones, 500 and 503 are added by the Host for every endpoint they apply to.
    /// </summary>
    public static TBuilder ProducesProblems<TBuilder>(this TBuilder builder, params ProblemType[] types)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new ProblemResponses(types));
        foreach (var status in types.Select(t => t.Status).Distinct())
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(Problem), [ProblemWriter.ContentType]));
        }
        return builder;
    }
}
