using System.Net;
using System.Net.Http.Headers;
using System.Text;
using VssId.BuildingBlocks.Security;
using VssId.Tests.Credentials;
using VssId.Tests.Infrastructure;
using VssId.Tests.Registration;

namespace VssId.Tests.Abuse;

/// <summary>
/// Acceptance F5: any id, token or body of any shape gets a 4xx, never a 5xx. Every endpoint the Host maps, called by
/// a caller its policy admits (so the request gets past authorization to the code that reads it), on the path of a resource
/// that exists and is the caller's and with ids that do not exist (the all-zero GUID among them), path values of every odd shape, and bodies that are not what it reads.
/// Then the same with tokens that are no tokens, and with odd values of the headers the API reads. A 4xx is an RFC 9457 problem, except the OAuth endpoints, which answer
/// RFC 6749 errors.
/// </summary>
[Collection(nameof(HostileInputTests))]
public sealed class HostileInputTests(VssIdFixture fixture) : IClassFixture<VssIdFixture>
{
    private static readonly string[] OddValues =
    [
        "00000000-0000-0000-0000-000000000000", "0000000000", "' OR 1=1; DROP TABLE events.mt_events;--", "<script>alert(1)</script>",
        "..%2F..%2Fetc%2Fpasswd", "Nguyễn Văn An", "%00", new string('9', 300), "-1", "1e400",
    ];

    private static readonly (string ContentType, byte[] Body)[] OddBodies =
    [
        ("application/json", "null"u8.ToArray()),
        ("application/json", "[]"u8.ToArray()),
        ("application/json", "\"a string\""u8.ToArray()),
        ("application/json", "12345678901234567890123"u8.ToArray()),
        ("application/json", "{\"bhxhCode\": "u8.ToArray()),
        ("application/json", Encoding.UTF8.GetBytes(new string('[', 10_000) + new string(']', 10_000))),
        ("application/json", Encoding.UTF8.GetBytes($"{{\"fullName\": \"{new string('Ạ', 20_000)}\", \"code\": \"{new string('1', 20_000)}\"}}")),
        ("application/json", [0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0xFF, 0x22, 0x7D]),
        ("application/json", Encoding.UTF8.GetBytes("""
            {"bhxhCode": 1, "fullName": [], "dateOfBirth": "31/02/1990", "gender": "X", "identityDocument": {"type": "Spaceship"},
             "address": "here", "phone": {"x": 1}, "officeCode": true, "autoApproval": "yes", "scopes": [1, null], "children": {},
             "relationship": "uncle", "classCode": -1, "limit": 1e400, "code": null}
            """)),
        ("text/plain", "bhxhCode=0120169123"u8.ToArray()),
        ("text/csv", [0xFF, 0xFE, 0x00, 0x41, 0x0A, 0x2C, 0x2C, 0x0A]),
        ("image/jpeg", [0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 0x45, 0x78, 0x69, 0x66]),
        ("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"u8.ToArray()),
    ];

    // Not a token, a JWT that names no algorithm, one signed by nobody we know, and one far too long.
    private static readonly string[] OddTokens =
    [
        "x", "a.b.c", "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIwMDAwMDAwMDAwIiwicm9sZSI6ImFkbWluIn0.",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiIsInJvbGUiOiJhZG1pbiJ9.c2lnbmF0dXJl", new string('A', 6_000),
    ];

    // Headers the API reads: an idempotency key of every odd shape, ETags that are none, languages nobody speaks.
    private static readonly (string Name, string Value)[][] OddHeaders =
    [
        [("Idempotency-Key", new string('k', 201))], [("Idempotency-Key", "khóa-🔑-\u0001")], [("Idempotency-Key", " ")],
        [("If-Match", "garbage")], [("If-Match", "W/\"x\", *")], [("If-Match", "\"99999999999999999999999\"")],
        [("Accept-Language", "xx;q=abc, *;q=-1")], [("X-Forwarded-For", "999.1.1.1, ::ffff:zz")], [("Accept", "application/xml")],
    ];

    private static readonly string OddQuery = "?limit=-5&cursor=%00%FF&status=Nope&catalog=1900&who=%27--&classCode=" + new string('x', 300)
        + "&to=%2B84&province=zz&token=" + Uri.EscapeDataString("a b") + "&offset=99999999999999999999";

    [Fact]
    public async Task Every_endpoint_answers_odd_ids_paths_and_bodies_with_a_4xx_problem_never_a_5xx()
    {
        var identity = new IdentityClient(fixture.App);
        var registration = new RegistrationClient(fixture.App.CreateUncheckedClient());
        var (code, _, password) = await identity.ActiveCitizen();
        var officer = await identity.ActiveStaff("officer", "00131");
        var callers = new Dictionary<string, string>
        {
            [AccessPolicies.Person] = await identity.AccessToken(code, password),
            [AccessPolicies.Officer] = await identity.AccessToken(officer.UserName, officer.Password),
            [AccessPolicies.Admin] = await identity.AccessToken(IdentityClient.DevAdmin, IdentityClient.DevAdminPassword),
            [AccessPolicies.SchoolClient] = (await identity.Client(Scopes.SchoolEnroll, "HN-THCS-001")).Token,
            [AccessPolicies.Partner] = (await identity.Client(Scopes.Partner)).Token,
        };
        callers[AccessPolicies.Citizen] = callers[AccessPolicies.PasswordChange] = callers[AccessPolicies.Person];

        var endpoints = ApiEndpoints.Of(fixture.App).Select(e => (e.Method, e.Route, e.Policy)).ToList();
        Assert.True(endpoints.Count > 50, $"only {endpoints.Count} endpoints found");
        var http = fixture.App.CreateUncheckedClient();
        var contract = await OpenApiContract.Of("Development", fixture.App.CreateUncheckedClient);
        var violations = new List<string>();
        var failures = new List<string>();
        var requests = 0;
        foreach (var (method, route, policy) in endpoints)
        {
            // A fresh draft per endpoint: its own id and token reach Registration's code behind the token check.
            var (applicationId, applicationToken) = await registration.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone()));
            var token = policy is null ? applicationToken : callers[policy];
            // First the path of something that exists and is the caller's (so an odd body reaches the code that reads it), then odd values.
            var real = new Dictionary<string, string>
            {
                ["id"] = applicationId.ToString(), ["schoolCode"] = "HN-THCS-001", ["officeCode"] = "00131", ["classCode"] = "6A1", ["kind"] = "portrait",
                ["code"] = "01", ["provinceCode"] = "01", ["bhxhCode"] = RegistrationClient.NewCode(), ["clientId"] = "vssid_0000000000000000",
            };
            var paths = new[] { Fill(route, name => real.GetValueOrDefault(name, Guid.Empty.ToString())) }
                .Concat(new[] { applicationId.ToString() }.Concat(OddValues).Select(value => Fill(route, _ => value))).Distinct().ToList();
            var attempts = paths.Select(path => (Path: path, Token: token, Headers: Array.Empty<(string, string)>()))
                .Concat(OddTokens.Select(odd => (Path: paths[0], Token: odd, Headers: Array.Empty<(string, string)>())))
                .Concat(OddHeaders.Select(headers => (Path: paths[0], Token: token, Headers: headers)));
            foreach (var (path, bearer, headers) in attempts)
            {
                foreach (var (contentType, body) in method is "GET" or "HEAD" ? [("", Array.Empty<byte>())] : OddBodies)
                {
                    foreach (var query in method == "GET" ? ["", OddQuery] : new[] { "" })
                    {
                        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path + query, UriKind.Relative));
                        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + bearer);
                        foreach (var (name, value) in headers)
                        {
                            request.Headers.TryAddWithoutValidation(name, value);
                        }
                        if (contentType.Length > 0)
                        {
                            request.Content = new ByteArrayContent(body);
                            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
                        }
                        using var response = await http.SendAsync(request);
                        requests++;
                        var status = (int)response.StatusCode;
                        var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
                        var oauth = route.StartsWith("/api/v1/auth/", StringComparison.Ordinal) || route.Contains("/.well-known/", StringComparison.Ordinal);
                        try
                        {
                            contract.Check(request.Method, request.RequestUri!.OriginalString.Split('?')[0], status, response.Content.Headers.ContentType,
                                await response.Content.ReadAsStringAsync());
                        }
                        catch (ContractViolationException violation)
                        {
                            violations.Add(violation.Message.Length > 400 ? violation.Message[..400] : violation.Message);
                        }
                        if (status >= 500 || (status >= 400 && !problem && !oauth))
                        {
                            failures.Add($"{method} {Short(path + query)} [{contentType}, {body.Length} bytes]: {status} {response.Content.Headers.ContentType?.MediaType}");
                        }
                    }
                }
            }
        }
        Assert.True(requests > 3_000, $"only {requests} requests were sent");
        Assert.True(failures.Count == 0, $"{failures.Count} of {requests} requests:\n" + string.Join("\n", failures.Distinct().Take(40)));
        Assert.True(violations.Count == 0, $"{violations.Count} answers outside the contract:\n" + string.Join("\n", violations.Distinct().Take(60)));
    }

    private static string Short(string url) => url.Length <= 140 ? url : url[..140] + "…";

    // Each parameter of the route takes the value given for its name (an all-zero id where a GUID is expected but the value is none).
    private static string Fill(string route, Func<string, string> valueOf) =>
        System.Text.RegularExpressions.Regex.Replace(route, @"\{(\w+)(:[^}]*)?\}", m =>
            valueOf(m.Groups[1].Value) is var value && m.Groups[2].Value.Contains("guid", StringComparison.Ordinal) && !Guid.TryParse(value, out _)
                ? Guid.Empty.ToString()
                : Uri.EscapeDataString(value));
}

/// <summary>
/// The sweep sends some 10,000 requests in about 10 s: it runs alone, after the tests that run side by side, so that its
/// load on the shared cores and PostgreSQL does not stretch their waits (a message job of another test timing out).
/// </summary>
[CollectionDefinition(nameof(HostileInputTests), DisableParallelization = true)]
public sealed class HostileInputCollection;
