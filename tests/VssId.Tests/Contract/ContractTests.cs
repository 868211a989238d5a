using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using VssId.Tests.Infrastructure;
using VssId.Tests.Registration;

namespace VssId.Tests.Contract;

/// <summary>The OpenAPI document is a contract: committed, reviewed, and enforced on every answer.</summary>
public sealed class ContractTests(VssIdFixture fixture) : IClassFixture<VssIdFixture>
{
    private static readonly string Committed = Path.Combine(RepositoryRoot(), "docs", "openapi", "v1.json");

    [Fact]
    public async Task The_served_document_is_the_committed_one()
    {
        using var client = fixture.App.CreateUncheckedClient();
        var served = await client.GetStringAsync(new Uri("/swagger/v1/swagger.json", UriKind.Relative));
        if (Environment.GetEnvironmentVariable("VSSID_UPDATE_CONTRACT") == "1")
        {
            await File.WriteAllTextAsync(Committed, served, new UTF8Encoding(false));
        }
        var committed = await File.ReadAllTextAsync(Committed);
        Assert.True(committed == served,
            "The served OpenAPI document differs from docs/openapi/v1.json. If the change is intended, review it and run " +
            "`VSSID_UPDATE_CONTRACT=1 ./test.sh` (or `scripts/update-openapi.sh`) to commit the new contract.");
    }

    [Fact]
    public async Task Every_operation_has_a_summary_an_id_and_documents_500_and_503()
    {
        var contract = await OpenApiContract.Parse(await File.ReadAllTextAsync(Committed));
        var document = await NSwag.OpenApiDocument.FromJsonAsync(contract.Json);
        var operations = document.Operations.ToArray();
        Assert.True(operations.Length >= 23, $"{operations.Length} operations");
        Assert.All(operations, o =>
        {
            Assert.False(string.IsNullOrWhiteSpace(o.Operation.Summary), $"{o.Method} {o.Path} has no summary");
            Assert.False(string.IsNullOrWhiteSpace(o.Operation.OperationId), $"{o.Method} {o.Path} has no operationId");
            Assert.Contains("500", o.Operation.Responses.Keys);
            Assert.Contains("503", o.Operation.Responses.Keys);
        });
        // Schema names are short type names, never CLR namespaces.
        Assert.All(document.Components.Schemas.Keys, name => Assert.DoesNotContain(".", name, StringComparison.Ordinal));
    }

    // The check itself must be able to fail: a status, a member and a type it does not allow.
    [Fact]
    public async Task An_undeclared_status_is_a_contract_violation()
    {
        var contract = await OpenApiContract.Parse(await File.ReadAllTextAsync(Committed));
        var violation = Assert.Throws<ContractViolationException>(() => contract.Check(HttpMethod.Get, "/api/v1/reference/provinces", 418,
            Json("application/problem+json"), "{}"));
        Assert.Contains("418 is not declared", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_required_member_is_a_contract_violation()
    {
        var contract = await OpenApiContract.Parse(await File.ReadAllTextAsync(Committed));
        contract.Check(HttpMethod.Get, "/api/v1/reference/provinces", 200, Json("application/json"),
            """[{"code":"01","name":"Hà Nội","fullName":"Thành phố Hà Nội"}]""");
        var violation = Assert.Throws<ContractViolationException>(() => contract.Check(HttpMethod.Get, "/api/v1/reference/provinces", 200,
            Json("application/json"), """[{"code":"01","name":"Hà Nội"}]"""));
        Assert.Contains("PropertyRequired", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_type_an_unknown_enum_value_or_an_undeclared_member_is_a_contract_violation()
    {
        var contract = await OpenApiContract.Parse(await File.ReadAllTextAsync(Committed));
        const string path = "/api/v1/registrations/status";
        Assert.Throws<ContractViolationException>(() => contract.Check(HttpMethod.Get, path, 200, Json("application/json"),
            """{"status":"Submitted","officeCode":"00123","applicationNumber":42,"submittedAt":null}"""));
        Assert.Throws<ContractViolationException>(() => contract.Check(HttpMethod.Get, path, 200, Json("application/json"),
            """{"status":"Lost","officeCode":null,"applicationNumber":null,"submittedAt":null}"""));
        Assert.Throws<ContractViolationException>(() => contract.Check(HttpMethod.Get, path, 200, Json("application/json"),
            """{"status":"Draft","officeCode":null,"applicationNumber":null,"submittedAt":null,"secret":"079090001234"}"""));
        Assert.Throws<ContractViolationException>(() => contract.Check(HttpMethod.Get, path, 404, Json("application/json"), "{}"));
    }

    [Fact]
    public async Task The_empty_application_id_answers_401_or_404_never_500()
    {
        var api = new RegistrationClient(fixture.App.CreateClient());
        var (_, token) = await api.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone()));
        var empty = Guid.Empty;
        foreach (var (method, url, content) in new (HttpMethod, string, HttpContent?)[]
                 {
                     (HttpMethod.Get, $"/api/v1/registrations/{empty}", null),
                     (HttpMethod.Put, $"/api/v1/registrations/{empty}", JsonContent.Create(RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone()))),
                     (HttpMethod.Delete, $"/api/v1/registrations/{empty}", null),
                     (HttpMethod.Post, $"/api/v1/registrations/{empty}/phone-verification", null),
                     (HttpMethod.Post, $"/api/v1/registrations/{empty}/phone-verification/confirm", JsonContent.Create(new { code = "123456" })),
                     (HttpMethod.Post, $"/api/v1/registrations/{empty}/submit", JsonContent.Create(new { officeCode = "00123", sendDeclarationByEmail = false })),
                     (HttpMethod.Get, $"/api/v1/registrations/{empty}/declaration.pdf", null),
                 })
        {
            // Another application's valid token: 404 (existence is not revealed); an unknown token: 401.
            await (await api.Send(method, url, token, content)).AssertProblem(HttpStatusCode.NotFound, "request.not_found");
            await (await api.Send(method, url, "not-a-token", content is null ? null : await Clone(content))).AssertProblem(HttpStatusCode.Unauthorized, "auth.unauthorized");
        }
        await (await api.Upload(empty, token, "portrait", TestImages.Jpeg)).AssertProblem(HttpStatusCode.NotFound, "request.not_found");
    }

    [Fact]
    public async Task Too_many_drafts_says_when_to_try_again()
    {
        var api = new RegistrationClient(fixture.App.CreateClient());
        var phone = RegistrationClient.NewPhone();
        for (var i = 0; i < 3; i++)
        {
            var (id, token) = await api.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), phone));
            await api.VerifyPhone(id, token, phone);
        }
        var refused = await api.Http.PostAsJsonAsync(new Uri("/api/v1/registrations", UriKind.Relative), RegistrationClient.Declaration(RegistrationClient.NewCode(), phone));
        await refused.AssertProblem(HttpStatusCode.TooManyRequests, "registration.too_many_drafts");
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 carries Retry-After");
    }

    private static MediaTypeHeaderValue Json(string mediaType) => new(mediaType);

    private static async Task<HttpContent> Clone(HttpContent content) =>
        new ByteArrayContent(await content.ReadAsByteArrayAsync()) { Headers = { ContentType = content.Headers.ContentType } };

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VssId.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("VssId.sln not found above the test binaries.");
    }
}
