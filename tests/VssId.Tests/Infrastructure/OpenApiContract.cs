using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;
using NSwag;

namespace VssId.Tests.Infrastructure;

/// <summary>An answer of the service that its own OpenAPI document does not allow.</summary>
public sealed class ContractViolationException(string message) : Exception(message);

/// <summary>
/// The served OpenAPI document as a client generator reads it (NSwag, which the generated client of the
/// tests also comes from), and the check of one answer against it: the status must be declared for the
/// operation, the media type must be one it declares, and a JSON body must validate against the
/// declared schema (required members, types, formats, enums, no undeclared members).
/// </summary>
public sealed partial class OpenApiContract
{
    private static readonly ConcurrentDictionary<string, Task<OpenApiContract>> ByEnvironment = new();
    private readonly OpenApiDocument _document;
    private readonly (Regex Pattern, int Parameters, OpenApiPathItem Item)[] _paths;
    private readonly JsonSchemaValidator _validator = new();

    private OpenApiContract(OpenApiDocument document)
    {
        _document = document;
        _paths = document.Paths
            .Select(p => (new Regex("^" + Parameter().Replace(Regex.Escape(p.Key).Replace("\\{", "{", StringComparison.Ordinal), "[^/]+") + "$"),
                Parameter().Count(p.Key), p.Value))
            .OrderBy(p => p.Item2)
            .ToArray();
    }

    /// <summary>The text of the document as served.</summary>
    public string Json { get; private init; } = "";

    /// <summary>
    /// The document the Host serves in <paramref name="environment"/>: read once per environment (every
    /// Host of one environment serves the same document) through a client that is not itself checked.
    /// </summary>
    public static Task<OpenApiContract> Of(string environment, Func<HttpClient> plainClient) =>
        ByEnvironment.GetOrAdd(environment, async _ =>
        {
            using var client = plainClient();
            var json = await client.GetStringAsync(new Uri("/swagger/v1/swagger.json", UriKind.Relative));
            return new OpenApiContract(await OpenApiDocument.FromJsonAsync(json)) { Json = json };
        });

    /// <summary>Parses a document (for tests of this check itself).</summary>
    public static async Task<OpenApiContract> Parse(string json) => new(await OpenApiDocument.FromJsonAsync(json)) { Json = json };

    /// <summary>Throws <see cref="ContractViolationException"/> when the answer breaks the contract.</summary>
    public void Check(HttpMethod method, string path, int status, MediaTypeHeaderValue? contentType, string body)
    {
        if (!path.StartsWith("/api/", StringComparison.Ordinal))
        {
            return; // health checks, Swagger UI and the Hangfire dashboard are not part of the API contract
        }
        var where = $"{method} {path} → {status}";
        var item = _paths.FirstOrDefault(p => p.Pattern.IsMatch(path)).Item;
        if (item is null || !item.TryGetValue(method.Method.ToLowerInvariant(), out var operation))
        {
            // No operation (unknown route or method): the platform's 404/405 problem.
            CheckBody(where, ProblemSchema, contentType, body, "application/problem+json");
            return;
        }
        if (!operation.Responses.TryGetValue(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response))
        {
            throw new ContractViolationException($"{where}: status {status} is not declared for operation {operation.OperationId} " +
                $"(declared: {string.Join(", ", operation.Responses.Keys)}). Body: {Truncate(body)}");
        }
        var declared = response.ActualResponse.Content;
        if (declared.Count == 0)
        {
            if (body.Length > 0)
            {
                throw new ContractViolationException($"{where}: the operation declares no body, but one came: {Truncate(body)}");
            }
            return;
        }
        var mediaType = contentType?.MediaType ?? "";
        if (!declared.TryGetValue(mediaType, out var media))
        {
            throw new ContractViolationException($"{where}: media type '{mediaType}' is not declared (declared: {string.Join(", ", declared.Keys)}).");
        }
        if (media.Schema is { } schema && mediaType.EndsWith("json", StringComparison.Ordinal))
        {
            CheckBody(where, schema, contentType, body, mediaType);
        }
    }

    private JsonSchema ProblemSchema => _document.Components.Schemas["Problem"];

    private void CheckBody(string where, JsonSchema schema, MediaTypeHeaderValue? contentType, string body, string expectedMediaType)
    {
        if (contentType?.MediaType != expectedMediaType)
        {
            throw new ContractViolationException($"{where}: expected {expectedMediaType}, got '{contentType?.MediaType}'. Body: {Truncate(body)}");
        }
        JToken token;
        try
        {
            using var reader = new JsonTextReader(new StringReader(body)) { DateParseHandling = DateParseHandling.None };
            token = JToken.ReadFrom(reader);
        }
        catch (JsonReaderException ex)
        {
            throw new ContractViolationException($"{where}: the body is not JSON ({ex.Message}): {Truncate(body)}");
        }
        var errors = _validator.Validate(token, schema.ActualSchema, SchemaType.OpenApi3);
        if (errors.Count > 0)
        {
            throw new ContractViolationException($"{where}: the body does not match its schema:\n  "
                + string.Join("\n  ", Flatten(errors)) + $"\nBody: {Truncate(body)}");
        }
    }

    private static IEnumerable<string> Flatten(IEnumerable<ValidationError> errors) =>
        errors.SelectMany(e => e is ChildSchemaValidationError child
            ? child.Errors.SelectMany(c => Flatten(c.Value)).Prepend($"{e.Kind} at {e.Path}")
            : [$"{e.Kind} at {e.Path}"]);

    private static string Truncate(string body) => body.Length > 600 ? body[..600] + "…" : body;

    [GeneratedRegex(@"\{[^}/]+\}")]
    private static partial Regex Parameter();
}

/// <summary>
/// Checks every answer an HTTP test receives through <see cref="VssIdApp.CreateClient"/> against the
/// served OpenAPI document: one place, so every existing and future HTTP test checks the contract.
/// </summary>
public sealed class ContractCheckingHandler(Func<Task<OpenApiContract?>> contract) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (await contract() is { } document && request.RequestUri is { } uri)
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var isBinary = response.Content.Headers.ContentType?.MediaType is "application/pdf" or "application/zip" || (response.Content.Headers.ContentType?.MediaType?.StartsWith("image/", StringComparison.Ordinal) ?? false);
            document.Check(request.Method, uri.AbsolutePath, (int)response.StatusCode, response.Content.Headers.ContentType, isBinary ? "" : body);
        }
        return response;
    }
}
