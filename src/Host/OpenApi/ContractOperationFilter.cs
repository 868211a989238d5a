using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Idempotency;
using VssId.BuildingBlocks.OpenApi;
using VssId.BuildingBlocks.Security;

namespace VssId.Host.OpenApi;

/// <summary>
/// Puts into each operation what its endpoint declares (examples, parameters, problems, bearer token)
/// and what the platform adds to every endpoint it applies to: 400/413/415 for a JSON body, 401 with a
/// bearer token, 429 when rate limited, 500 and 503 everywhere. Every problem status gets the one
/// <see cref="Problem"/> schema and one example per code, serialised exactly as the API serialises.
/// </summary>
internal sealed class ContractOperationFilter(IOptions<JsonOptions> json) : IOperationFilter
{
    public const string BearerScheme = "Bearer";
    public const string OAuthScheme = "OAuth2";

    private const string ExampleTraceId = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private static readonly Dictionary<int, string> StatusDescriptions = new()
    {
        [400] = "Yêu cầu không hợp lệ · Bad request",
        [401] = "Thiếu hoặc sai mã truy cập · Missing or invalid token",
        [403] = "Không có quyền · Forbidden",
        [404] = "Không tìm thấy · Not found",
        [409] = "Xung đột với trạng thái hiện tại · Conflict with the current state",
        [412] = "`If-Match` không khớp · Precondition failed",
        [413] = "Nội dung quá lớn · Payload too large",
        [415] = "Định dạng không được hỗ trợ · Unsupported media type",
        [422] = "Cùng `Idempotency-Key` với nội dung khác · Idempotency key reused with another body",
        [429] = "Quá nhiều yêu cầu (xem `Retry-After`) · Too many requests (see `Retry-After`)",
        [500] = "Lỗi ngoài dự kiến · Unexpected error",
        [503] = "Tạm thời không phục vụ được (xem `Retry-After`) · Temporarily unavailable (see `Retry-After`)",
    };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        var bearer = metadata.OfType<BearerTokenRequired>().Any();
        var policy = metadata.OfType<AccessPolicy>().LastOrDefault();
        operation.Security = policy is not null
            // A JWT pasted as a bearer token, or one obtained through the OAuth flows: either satisfies it.
            ? [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] },
               new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OAuthScheme, context.Document)] = [] }]
            : bearer
            ? [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }]
            : []; // anonymous: says so, rather than leaving the reader to guess
        if (policy is not null)
        {
            operation.Description = $"{operation.Description}\n\nQuyền · Access: `{policy.Name}`.".TrimStart('\n');
        }
        DocumentParameters(operation, context, metadata);
        DocumentBodies(operation, metadata);
        DocumentProblems(operation, context, metadata, bearer);
    }

    private static void DocumentParameters(OpenApiOperation operation, OperationFilterContext context, IList<object> metadata)
    {
        foreach (var doc in metadata.OfType<ParameterDoc>())
        {
            if (operation.Parameters?.OfType<OpenApiParameter>().FirstOrDefault(p => p.Name == doc.Name) is not { } parameter)
            {
                continue;
            }
            parameter.Description = doc.Description;
            // An integer parameter's example is a number (a string example there is invalid OpenAPI).
            parameter.Example = parameter.Schema is { Type: { } type } && type.HasFlag(JsonSchemaType.Integer)
                && long.TryParse(doc.Example, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                ? JsonValue.Create(number)
                : JsonValue.Create(doc.Example);
            parameter.Required |= doc.Required;
            if (doc.AllowedValues is not { Count: > 0 } allowed)
            {
                continue;
            }
            var values = new OpenApiSchema { Type = JsonSchemaType.String, Enum = allowed.Select(v => (JsonNode)JsonValue.Create(v)).ToList() };
            if (doc.EnumName is { } enumName)
            {
                if (!context.SchemaRepository.Schemas.ContainsKey(enumName))
                {
                    context.SchemaRepository.AddDefinition(enumName, values);
                }
                parameter.Schema = new OpenApiSchemaReference(enumName, context.Document);
            }
            else
            {
                parameter.Schema = values;
            }
        }
    }

    private void DocumentBodies(OpenApiOperation operation, IList<object> metadata)
    {
        // A file answer (the Mẫu 01 PDF) is binary: generators then hand out a stream, not nothing.
        foreach (var media in (operation.Responses?.Values.AsEnumerable() ?? []).SelectMany(r => r.Content?.Where(c => !c.Key.Contains("json", StringComparison.Ordinal)) ?? []))
        {
            if (media.Value is OpenApiMediaType file)
            {
                file.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
            }
        }
        foreach (var example in metadata.OfType<ResponseExample>())
        {
            if (operation.Responses?.TryGetValue(example.StatusCode.ToString(CultureInfo.InvariantCulture), out var response) == true
                && response.Content is { } content)
            {
                foreach (var media in content.Values.OfType<OpenApiMediaType>())
                {
                    media.Example = ToNode(example.Example);
                }
            }
        }
        if (operation.RequestBody is OpenApiRequestBody body && body.Content is { } bodies)
        {
            body.Required = true;
            foreach (var (type, media) in bodies)
            {
                // Image uploads are raw bodies: show Swagger UI's file picker rather than a base64 string.
                if (type.StartsWith("image/", StringComparison.Ordinal) && media is OpenApiMediaType image)
                {
                    image.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
                }
                // Swashbuckle wraps a body's $ref in a lone allOf (for its description); the bare $ref says the same.
                if (media is OpenApiMediaType wrapped && wrapped.Schema is OpenApiSchema { AllOf: [OpenApiSchemaReference only] } lone
                    && lone.Type is null && lone.Properties is null or { Count: 0 })
                {
                    wrapped.Schema = only;
                }
                // A CSV body is text whatever the endpoint binds (a roster takes JSON or CSV): a string, and its own example.
                if (type.StartsWith("text/csv", StringComparison.Ordinal) && media is OpenApiMediaType csv)
                {
                    csv.Schema = new OpenApiSchema { Type = JsonSchemaType.String };
                    csv.Example = metadata.OfType<CsvRequestExample>().FirstOrDefault() is { } text ? JsonValue.Create(text.Csv) : null;
                    continue;
                }
                if (metadata.OfType<RequestExample>().FirstOrDefault() is { } example && media is OpenApiMediaType json)
                {
                    json.Example = ToNode(example.Example);
                }
            }
        }
    }

    private void DocumentProblems(OpenApiOperation operation, OperationFilterContext context, IList<object> metadata, bool bearer)
    {
        var problems = metadata.OfType<ProblemResponses>().SelectMany(p => p.Types).ToList();
        if (operation.RequestBody?.Content?.ContainsKey("application/json") == true)
        {
            problems.AddRange([CommonProblems.Malformed, CommonProblems.TooLarge, CommonProblems.UnsupportedMediaType]);
        }
        if (metadata.OfType<AccessPolicy>().Any())
        {
            problems.Add(CommonProblems.Forbidden);
        }
        if (bearer)
        {
            problems.Add(CommonProblems.Unauthorized);
        }
        if (metadata.OfType<EnableRateLimitingAttribute>().Any())
        {
            problems.Add(CommonProblems.TooManyRequests);
        }
        if (context.ApiDescription.HttpMethod == "POST" && !metadata.OfType<NotIdempotent>().Any())
        {
            problems.AddRange([IdempotencyMiddleware.KeyInvalid, IdempotencyMiddleware.InProgress, IdempotencyMiddleware.KeyReused]);
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = IdempotencyMiddleware.Header,
                In = ParameterLocation.Header,
                Description = "Khóa chống lặp (tùy chọn): cùng khóa và cùng nội dung trong 24 giờ → cùng câu trả lời, không tạo lại. "
                    + "Optional: the same key with the same body within 24 h returns the first answer and does nothing again.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = IdempotencyMiddleware.MaxKeyLength },
                Example = JsonValue.Create("9b2f6a3e-0d4c-4f1e-8a77-3c5d2e1f0a94"),
            });
        }
        problems.AddRange([CommonProblems.Unexpected, CommonProblems.Unavailable]);

        var schema = context.SchemaGenerator.GenerateSchema(typeof(Problem), context.SchemaRepository);
        operation.Responses ??= [];
        foreach (var group in problems.DistinctBy(p => p.Code).GroupBy(p => p.Status).OrderBy(g => g.Key))
        {
            var status = group.Key.ToString(CultureInfo.InvariantCulture);
            var media = new OpenApiMediaType
            {
                Schema = schema,
                Examples = group.ToDictionary(p => p.Code, p => (IOpenApiExample)new OpenApiExample
                {
                    Summary = p.Title.En,
                    Value = Example(p, context.ApiDescription.RelativePath),
                }),
            };
            operation.Responses[status] = new OpenApiResponse
            {
                Description = StatusDescriptions.GetValueOrDefault(group.Key, "Lỗi · Error"),
                Content = new Dictionary<string, IOpenApiMediaType> { [ProblemWriter.ContentType] = media },
            };
        }
    }

    private JsonNode? Example(ProblemType type, string? path)
    {
        IReadOnlyDictionary<string, string[]>? errors = null;
        IReadOnlyList<ProblemFieldError>? fieldErrors = null;
        if (type == CommonProblems.Validation)
        {
            const string message = "Số điện thoại di động Việt Nam không hợp lệ.";
            errors = new Dictionary<string, string[]> { ["phone"] = [message] };
            fieldErrors = [new ProblemFieldError("phone", "registration.phone_invalid", message)];
        }
        return ToNode(new Problem(type.TypeUri, type.Title.Vi, type.Status, null, "/" + (path ?? ""), type.Code, ExampleTraceId, errors, fieldErrors));
    }

    private JsonNode? ToNode(object value) => JsonSerializer.SerializeToNode(value, value.GetType(), json.Value.SerializerOptions);
}

/// <summary>The tags the operations use, each with its description (Vietnamese · English).</summary>
internal sealed class ContractDocumentFilter : IDocumentFilter
{
    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Danh mục · Reference data"] = "Danh mục địa giới hành chính (2025 và cũ), cơ quan BHXH, lý do từ chối. Address catalogs, offices, rejection reasons.",
        ["Đăng ký (người lớn) · Registration"] = "Hồ sơ đăng ký của người lớn từ nháp đến khi gửi; điền sẵn từ QR. Adult applications from draft to submission; QR prefill.",
        ["Tài liệu · Documents"] = "Kiểm tra mã QR của tờ khai Mẫu 01. Verifying the QR code of a Mẫu 01 form.",
        ["Tài khoản · Credentials"] = "Đăng nhập OAuth 2.0, đổi và khôi phục mật khẩu, SmartOTP, tài khoản của tôi. OAuth 2.0 login, password change and recovery, SmartOTP, my account.",
        ["Quản trị · Administration"] = "Cán bộ, ứng dụng tích hợp, nhật ký kiểm toán (vai trò admin). Staff users, API clients, audit trail (role admin).",
        ["Phát triển · Development"] = "Chỉ trong môi trường Development. Development only.",
    };

    public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context)
    {
        var used = swaggerDoc.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []).SelectMany(o => o.Tags?.AsEnumerable() ?? []).Select(t => t.Name).Distinct();
        swaggerDoc.Tags = new HashSet<OpenApiTag>(used.Where(n => n is not null).Order(StringComparer.Ordinal)
            .Select(n => new OpenApiTag { Name = n, Description = TagDescriptions.GetValueOrDefault(n!, n!) }));
    }
}
