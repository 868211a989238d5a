using Microsoft.OpenApi;

namespace VssId.Host.OpenApi;

/// <summary>
/// Swagger: the first thing an integrator sees, and a contract a client generator reads. The filters
/// beside this file make it exact (ADR 0010): short schema names, <c>required</c> and nullability from
/// the C# types, enums and patterns from the records' attributes, one <c>Problem</c> schema with an
/// example per documented code, and the security each operation really has.
/// </summary>
public static class SwaggerSetup
{
    public const string DocumentName = "v1";

    private const string Description = """
        API công khai của VssId — tài khoản giao dịch điện tử BHXH (VssID).
        The public REST API of VssId, Vietnam's social-insurance digital account.

        * Lỗi theo RFC 9457 (`application/problem+json`, lược đồ `Problem`) với `code` ổn định và `traceId`; tiếng Việt mặc định,
          `Accept-Language: en` cho tiếng Anh. Errors are RFC 9457 problems with a stable `code`; each operation lists its codes as examples.
        * Ngày `yyyy-MM-dd`, thời điểm ISO 8601 UTC; ngày theo lịch tính ở múi giờ Asia/Ho_Chi_Minh.
        * `Idempotency-Key` trên mọi POST tạo dữ liệu: cùng khóa và cùng nội dung → cùng câu trả lời trong 24 giờ.
        """;

    public static IServiceCollection AddVssIdSwagger(this IServiceCollection services, IConfiguration configuration)
    {
        var server = configuration["OpenApi:ServerUrl"] ?? "http://localhost:8080";
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(c =>
        {
            c.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = "VssId API",
                Version = "v1",
                Description = Description,
                Contact = new OpenApiContact { Name = "Nhóm phát triển VssId · VssId developers", Url = new Uri("https://baohiemxahoi.gov.vn") },
                License = new OpenApiLicense { Name = "Proprietary — Bảo hiểm xã hội Việt Nam", Url = new Uri("https://baohiemxahoi.gov.vn") },
            });
            c.AddServer(new OpenApiServer { Url = server, Description = "VssId (`./run.sh` mặc định · the default of ./run.sh)" });
            // Applicants paste the accessToken of their application here ("Authorize"); so can anyone holding a JWT.
            c.AddSecurityDefinition(ContractOperationFilter.BearerScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "`accessToken` của hồ sơ (trả về khi tạo hồ sơ), hoặc access token JWT từ `/api/v1/auth/token` · "
                    + "the application's access token, or a JWT access token from `/api/v1/auth/token`",
            });
            // People and API clients log in with "Authorize" in Swagger UI (the token endpoint, relative to the server).
            c.AddSecurityDefinition(ContractOperationFilter.OAuthScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.OAuth2,
                Description = "Đăng nhập bằng mã số BHXH hoặc tên cán bộ (password), hoặc ứng dụng tích hợp (client credentials). "
                    + "Development: `admin` / `dev-admin-VssId-2026`. · Log in as a person (password) or an API client (client credentials).",
                Flows = new OpenApiOAuthFlows
                {
                    Password = new OpenApiOAuthFlow { TokenUrl = new Uri("/api/v1/auth/token", UriKind.Relative), Scopes = new Dictionary<string, string>() },
                    ClientCredentials = new OpenApiOAuthFlow
                    {
                        TokenUrl = new Uri("/api/v1/auth/token", UriKind.Relative),
                        Scopes = new Dictionary<string, string>
                        {
                            ["school:enroll"] = "Cổng trường học: ghi danh học sinh của trường · School portal: enrol the school's pupils",
                            ["partner"] = "Ứng dụng đối tác · Third-party app",
                        },
                    },
                },
            });
            c.SchemaFilter<ContractSchemaFilter>();
            c.OperationFilter<ContractOperationFilter>();
            c.DocumentFilter<ContractDocumentFilter>();
            c.UseAllOfToExtendReferenceSchemas();
            c.SupportNonNullableReferenceTypes();
            c.OrderActionsBy(d => $"{d.GroupName}{d.RelativePath}{d.HttpMethod}");
            c.CustomSchemaIds(SchemaNames.For);
        });
        return services;
    }

    public static void MapVssIdSwagger(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(c =>
        {
            c.SwaggerEndpoint($"/swagger/{DocumentName}/swagger.json", "VssId API v1");
            c.RoutePrefix = "swagger";
            c.DocumentTitle = "VssId API";
        });
    }
}
