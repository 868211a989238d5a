using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace VssId.Host.OpenApi;

/// <summary>
/// Makes each object schema say what the service really does:
/// <list type="bullet">
/// <item>Answers (every record not named <c>…Request</c>): every member is <c>required</c>, because the
/// serializer writes them all; a member is nullable only when its C# type is, and a member the serializer
/// leaves out when null (<c>[JsonIgnore(WhenWritingNull)]</c>) is optional and never null.</item>
/// <item>Requests (<c>…Request</c>): <c>required</c> lists the members marked <c>[Required]</c>; those are
/// not nullable. The C# types stay nullable so that a missing member is a listed field error.</item>
/// <item><c>[AllowedValues]</c> becomes an <c>enum</c> (closed sets: gender, status, catalog…).</item>
/// </list>
/// </summary>
internal sealed class ContractSchemaFilter : ISchemaFilter
{
    private static readonly NullabilityInfoContext Nullability = new();

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema target || target.Properties is not { Count: > 0 } properties
            || context.Type.Namespace?.StartsWith("VssId.", StringComparison.Ordinal) != true)
        {
            return;
        }
        var isRequest = context.Type.Name.EndsWith("Request", StringComparison.Ordinal);
        target.Required = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var property in context.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            if (!properties.TryGetValue(name, out var member))
            {
                continue;
            }
            var omittedWhenNull = property.GetCustomAttribute<JsonIgnoreAttribute>()?.Condition == JsonIgnoreCondition.WhenWritingNull;
            var declaredRequired = property.GetCustomAttribute<RequiredAttribute>() is not null;
            var required = isRequest ? declaredRequired : !omittedWhenNull;
            var nullable = IsNullable(property) && !omittedWhenNull && !(isRequest && declaredRequired);
            if (required)
            {
                target.Required.Add(name);
            }
            var allowed = property.GetCustomAttribute<AllowedValuesAttribute>()?.Values;
            properties[name] = Shape(member, nullable, allowed);
        }
        if (target.Required.Count == 0)
        {
            target.Required = null;
        }
    }

    private static bool IsNullable(PropertyInfo property) =>
        property.PropertyType.IsValueType
            ? Nullable.GetUnderlyingType(property.PropertyType) is not null
            : Nullability.Create(property).ReadState == NullabilityState.Nullable;

    private static IOpenApiSchema Shape(IOpenApiSchema member, bool nullable, object?[]? allowed)
    {
        if (member is OpenApiSchemaReference reference)
        {
            // A $ref cannot carry nullable in OpenAPI 3.0: wrap it, as generators expect.
            return nullable ? new OpenApiSchema { AllOf = [reference], Type = JsonSchemaType.Null | JsonSchemaType.Object } : reference;
        }
        if (member is not OpenApiSchema schema)
        {
            return member;
        }
        if (schema.AllOf is { Count: 1 } && schema.AllOf[0] is OpenApiSchemaReference wrapped && schema.Type is null or JsonSchemaType.Null)
        {
            // Swashbuckle's own wrapping of a reference: keep the reference bare unless it really is nullable.
            return Shape(wrapped, nullable, allowed);
        }
        if (schema.Type is { } type)
        {
            schema.Type = nullable ? type | JsonSchemaType.Null : type & ~JsonSchemaType.Null;
        }
        if (allowed is { Length: > 0 })
        {
            schema.Enum = allowed.Where(v => v is not null).Select(v => (JsonNode)JsonValue.Create(v!.ToString())!).ToList();
            if (nullable)
            {
                // OpenAPI 3.0.3+: a nullable enum lists null among its values.
                schema.Enum.Add(null!);
            }
        }
        return schema;
    }
}
