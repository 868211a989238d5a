using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;
using VssId.BuildingBlocks.OpenApi;

namespace VssId.Host.OpenApi;

/// <summary>Swagger: the first thing an integrator sees — summaries, Vietnamese examples, every status code.</summary>
public static class SwaggerSetup
{
    private const string Description = """
        API công khai của VssId — tài khoản giao dịch điện tử BHXH (VssID).
        The public REST API of VssId, Vietnam's social-insurance digital account.

        * Lỗi theo RFC 9457 (`application/problem+json`) với `code` ổn định và `traceId`; tiếng Việt mặc định,
          `Accept-Language: en` cho tiếng Anh. Errors are RFC 9457 problems with a stable `code`.
        * Ngày `yyyy-MM-dd`, thời điểm ISO 8601 UTC; ngày theo lịch tính ở múi giờ Asia/Ho_Chi_Minh.
        """;

    public static IServiceCollection AddVssIdSwagger(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(c =>
        {
            c.SwaggerDoc("v1", new OpenApiInfo { Title = "VssId API", Version = "v1", Description = Description });
            c.OperationFilter<ExamplesOperationFilter>();
            // Applicants paste the accessToken of their application here ("Authorize").
            c.AddSecurityDefinition("Bearer", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "`accessToken` của hồ sơ (trả về khi tạo hồ sơ) · the application's access token",
            });
            c.OrderActionsBy(d => $"{d.GroupName}{d.RelativePath}{d.HttpMethod}");
            c.CustomSchemaIds(t => t.FullName!.Replace('+', '.'));
        });
        return services;
    }

    public static void MapVssIdSwagger(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(c =>
        {
            c.SwaggerEndpoint("/swagger/v1/swagger.json", "VssId API v1");
            c.RoutePrefix = "swagger";
            c.DocumentTitle = "VssId API";
        });
    }

    /// <summary>
    /// Puts the examples an endpoint declares (<see cref="ResponseExample"/>, <see cref="RequestExample"/>)
    /// into the document, serialised exactly as the API serialises, and gives every problem answer an
    /// example of the error contract.
    /// </summary>
    private sealed class ExamplesOperationFilter(IOptions<JsonOptions> json) : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
            foreach (var example in metadata.OfType<ResponseExample>())
            {
                if (operation.Responses?.TryGetValue(example.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response) == true
                    && response.Content is { } content)
                {
                    foreach (var media in content.Values.OfType<OpenApiMediaType>())
                    {
                        media.Example = ToNode(example.Example);
                    }
                }
            }
            if (metadata.OfType<BearerTokenRequired>().Any())
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", context.Document)] = [] }];
            }
            // Image uploads are raw bodies: show Swagger UI's file picker rather than a base64 string.
            if (operation.RequestBody?.Content is { } bodies)
            {
                foreach (var (type, media) in bodies)
                {
                    if (type.StartsWith("image/", StringComparison.Ordinal) && media is OpenApiMediaType image)
                    {
                        image.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
                    }
                }
            }
            foreach (var example in metadata.OfType<RequestExample>())
            {
                if (operation.RequestBody?.Content is { } content)
                {
                    foreach (var media in content.Values.OfType<OpenApiMediaType>())
                    {
                        media.Example = ToNode(example.Example);
                    }
                }
            }
            foreach (var doc in metadata.OfType<ParameterDoc>())
            {
                if (operation.Parameters?.OfType<OpenApiParameter>().FirstOrDefault(p => p.Name == doc.Name) is { } parameter)
                {
                    parameter.Description = doc.Description;
                    parameter.Example = JsonValue.Create(doc.Example);
                }
            }
            // Any endpoint may answer 500 (never with internal detail); say so and show its shape.
            if (operation.Responses is { } responses && !responses.ContainsKey("500"))
            {
                responses["500"] = new OpenApiResponse
                {
                    Description = "Lỗi ngoài dự kiến · Unexpected error (problem with `traceId` only)",
                    Content = new Dictionary<string, IOpenApiMediaType>
                    {
                        ["application/problem+json"] = new OpenApiMediaType { Example = ProblemExample("500") },
                    },
                };
            }
            foreach (var (status, response) in operation.Responses ?? [])
            {
                if (response.Content?.TryGetValue("application/problem+json", out var media) == true
                    && media is OpenApiMediaType problemMedia && problemMedia.Example is null)
                {
                    problemMedia.Example = ProblemExample(status);
                }
            }
        }

        private JsonNode? ToNode(object value) => JsonSerializer.SerializeToNode(value, value.GetType(), json.Value.SerializerOptions);

        private static JsonNode ProblemExample(string status) => status switch
        {
            "400" => JsonNode.Parse("""
                {"type":"urn:vssid:problem:request.validation_failed","title":"Dữ liệu gửi lên không hợp lệ.","status":400,
                 "code":"request.validation_failed","traceId":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                 "errors":{"catalog":["Danh mục phải là \"2025\" hoặc \"legacy\"."]},
                 "fieldErrors":[{"field":"catalog","code":"reference.catalog_unknown","message":"Danh mục phải là \"2025\" hoặc \"legacy\"."}]}
                """)!,
            "404" => JsonNode.Parse("""
                {"type":"urn:vssid:problem:reference.province_not_found","title":"Không tìm thấy tỉnh/thành phố với mã này trong danh mục.",
                 "status":404,"code":"reference.province_not_found","traceId":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}
                """)!,
            "500" => JsonNode.Parse("""
                {"type":"urn:vssid:problem:server.unexpected","title":"Hệ thống gặp lỗi ngoài dự kiến. Vui lòng thử lại sau.",
                 "status":500,"code":"server.unexpected","traceId":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}
                """)!,
            _ => JsonNode.Parse($$"""
                {"type":"urn:vssid:problem:…","title":"…","status":{{status}},"code":"…","traceId":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}
                """)!,
        };
    }
}
