using Microsoft.AspNetCore.Builder;

namespace VssId.BuildingBlocks.OpenApi;

/// <summary>An example body shown in Swagger for one status code of an endpoint.</summary>
public sealed record ResponseExample(int StatusCode, object Example);

/// <summary>An example request body shown in Swagger.</summary>
public sealed record RequestExample(object Example);

/// <summary>Attaches Swagger examples to minimal-API endpoints.</summary>
public static class EndpointExampleExtensions
{
    /// <summary>Shows <paramref name="example"/> as the body of the <paramref name="statusCode"/> answer.</summary>
    public static TBuilder WithResponseExample<TBuilder>(this TBuilder builder, int statusCode, object example)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ResponseExample(statusCode, example));

    /// <summary>Shows <paramref name="example"/> as the request body.</summary>
    public static TBuilder WithRequestExample<TBuilder>(this TBuilder builder, object example)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestExample(example));
}

/// <summary>A description and example for a query or route parameter shown in Swagger.</summary>
public sealed record ParameterDoc(string Name, string Description, string Example);

/// <summary>Attaches parameter documentation to minimal-API endpoints.</summary>
public static class EndpointParameterExtensions
{
    /// <summary>Documents the parameter <paramref name="name"/>.</summary>
    public static TBuilder WithParameter<TBuilder>(this TBuilder builder, string name, string description, string example)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ParameterDoc(name, description, example));
}

/// <summary>Marks an endpoint that needs a bearer token, so Swagger shows the lock only where it applies.</summary>
public sealed record BearerTokenRequired;

/// <summary>Attaches <see cref="BearerTokenRequired"/>.</summary>
public static class BearerTokenExtensions
{
    /// <summary>Documents that the endpoint needs <c>Authorization: Bearer …</c>.</summary>
    public static TBuilder WithBearerToken<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new BearerTokenRequired());
}
