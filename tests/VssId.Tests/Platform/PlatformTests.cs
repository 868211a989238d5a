using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.Tests.Infrastructure;

namespace VssId.Tests.Platform;

public sealed record Probe(string Name, int Count);

/// <summary>Endpoints that exist only in tests, to drive the error contract from outside.</summary>
internal sealed class ProbeEndpoints : IEndpoint
{
    public void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/test/probe", (Probe probe) => TypedResults.Ok(probe));
        app.MapGet("/api/test/crash", IResult () => throw new InvalidOperationException("secret internal detail 079090001234"));
        app.MapGet("/api/test/problem", IResult () => throw new ProblemException(CommonProblems.Conflict,
            new LocalizedText("Chi tiết.", "Detail.")));
    }
}

public sealed class PlatformFixture : VssIdFixture
{
    protected override VssIdAppOptions Options => new()
    {
        Services = services => services.AddSingleton<IEndpoint, ProbeEndpoints>(),
    };
}

public sealed class PlatformTests(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    [Fact]
    public async Task Health_live_and_ready_answer_200_with_PostgreSQL_and_Hangfire_checked()
    {
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
        var ready = await _client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var body = await ready.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("npgsql").GetProperty("status").GetString());
        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("hangfire").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Swagger_lists_the_reference_endpoints_with_summaries_examples_and_problem_answers()
    {
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync(new Uri("/swagger/index.html", UriKind.Relative))).StatusCode);
        var document = await _client.GetFromJsonAsync<JsonElement>(new Uri("/swagger/v1/swagger.json", UriKind.Relative));
        var paths = document.GetProperty("paths");
        foreach (var path in new[]
                 {
                     "/api/v1/reference/provinces", "/api/v1/reference/provinces/{code}/districts",
                     "/api/v1/reference/provinces/{code}/wards", "/api/v1/reference/districts/{code}/wards",
                     "/api/v1/reference/offices", "/api/v1/reference/rejection-reasons",
                 })
        {
            var get = paths.GetProperty(path).GetProperty("get");
            Assert.False(string.IsNullOrWhiteSpace(get.GetProperty("summary").GetString()), path);
            var ok = get.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json");
            Assert.True(ok.TryGetProperty("example", out var example), $"{path} has no example");
            Assert.Equal(JsonValueKind.Array, example.ValueKind);
        }
        var notFound = paths.GetProperty("/api/v1/reference/provinces/{code}/districts").GetProperty("get")
            .GetProperty("responses").GetProperty("404").GetProperty("content").GetProperty("application/problem+json");
        Assert.Equal("reference.province_not_found", notFound.GetProperty("examples").GetProperty("reference.province_not_found")
            .GetProperty("value").GetProperty("code").GetString());
        // Vietnamese examples survive serialisation with their diacritics.
        Assert.Contains("Bắc Từ Liêm", paths.GetProperty("/api/v1/reference/provinces/{code}/districts").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hangfire_dashboard_is_open_in_Development() =>
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync(new Uri("/hangfire", UriKind.Relative))).StatusCode);

    [Fact]
    public async Task Unknown_routes_and_methods_are_problems()
    {
        await (await _client.GetAsync(new Uri("/api/v1/nothing-here", UriKind.Relative))).AssertProblem(HttpStatusCode.NotFound, "request.not_found");
        await (await _client.DeleteAsync(new Uri("/api/v1/reference/provinces", UriKind.Relative))).AssertProblem(HttpStatusCode.MethodNotAllowed, "request.method_not_allowed");
    }

    [Theory]
    [InlineData("{\"name\": \"Nguyễn\", ")]
    [InlineData("{\"name\": \"Nguyễn\", \"count\": \"many\"}")]
    [InlineData("[1,2,3]")]
    [InlineData("not json at all")]
    public async Task Malformed_json_and_wrong_types_are_400_problems(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        await (await _client.PostAsync(new Uri("/api/test/probe", UriKind.Relative), content)).AssertProblem(HttpStatusCode.BadRequest, "request.malformed");
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415_problem()
    {
        using var content = new StringContent("name=x", Encoding.UTF8, "text/plain");
        await (await _client.PostAsync(new Uri("/api/test/probe", UriKind.Relative), content)).AssertProblem(HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");
    }

    [Fact]
    public async Task An_unexpected_exception_is_a_500_problem_without_internal_detail()
    {
        var response = await _client.GetAsync(new Uri("/api/test/crash", UriKind.Relative));
        var problem = await response.AssertProblem(HttpStatusCode.InternalServerError, "server.unexpected");
        Assert.DoesNotContain("secret", problem.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("079090001234", problem.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_thrown_problem_keeps_its_status_and_code_and_localised_detail()
    {
        var vi = await (await _client.GetAsync(new Uri("/api/test/problem", UriKind.Relative))).AssertProblem(HttpStatusCode.Conflict, "request.conflict");
        Assert.Equal("Chi tiết.", vi.GetProperty("detail").GetString());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/test/problem");
        request.Headers.AcceptLanguage.ParseAdd("en");
        var en = await (await _client.SendAsync(request)).AssertProblem(HttpStatusCode.Conflict, "request.conflict");
        Assert.Equal("Detail.", en.GetProperty("detail").GetString());
    }

    [Fact]
    public void Marten_and_Hangfire_share_one_data_source()
    {
        var dataSource = fixture.App.Services.GetRequiredService<Npgsql.NpgsqlDataSource>();
        var storage = fixture.App.Services.GetRequiredService<JobStorage>();
        Assert.Contains("hangfire", storage.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Same(dataSource, fixture.App.Services.GetRequiredService<Npgsql.NpgsqlDataSource>());
        Assert.Equal(fixture.ConnectionString.Split(';').First(p => p.StartsWith("Database", StringComparison.Ordinal)),
            dataSource.ConnectionString.Split(';').First(p => p.StartsWith("Database", StringComparison.Ordinal)));
    }
}
