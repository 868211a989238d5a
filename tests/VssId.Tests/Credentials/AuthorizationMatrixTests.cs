using System.Net;
using System.Net.Http.Headers;
using System.Text;
using VssId.BuildingBlocks.Security;
using VssId.Tests.Infrastructure;
using VssId.Tests.Registration;

namespace VssId.Tests.Credentials;

/// <summary>
/// Every endpoint of the API × every kind of caller. A new endpoint without a row here fails; an endpoint
/// whose protection differs from its row fails; a caller let in or kept out against its row fails.
/// </summary>
public sealed class AuthorizationMatrixTests(VssIdFixture fixture) : IClassFixture<VssIdFixture>
{
    /// <summary>Open to anyone (a token changes nothing).</summary>
    private const string Public = "public";

    /// <summary>Registration's own access token of the application in the path (any other token: 401, another application's: 404).</summary>
    private const string Application = "application";

    private static readonly Dictionary<string, string> Rows = new()
    {
        ["GET /api/dev/messages"] = Public,
        ["GET /api/dev/captcha/{captchaId:guid}"] = Public,
        ["GET /api/v1/captcha"] = AccessPolicies.Citizen,
        ["POST /api/v1/me/children"] = AccessPolicies.Citizen,
        ["GET /api/v1/me/children"] = AccessPolicies.Citizen,
        ["GET /api/v1/me/children/{id:guid}"] = AccessPolicies.Citizen,
        ["DELETE /api/v1/me/children/{id:guid}"] = AccessPolicies.Citizen,
        ["PUT /api/v1/me/children/{id:guid}/documents/{kind}"] = AccessPolicies.Citizen,
        ["POST /api/v1/me/children/{id:guid}/submit"] = AccessPolicies.Citizen,
        ["GET /api/v1/me/children/{id:guid}/form-01.pdf"] = AccessPolicies.Citizen,
        ["POST /api/v1/me/children/{id:guid}/consent"] = AccessPolicies.Citizen,
        ["POST /api/v1/consents/confirm"] = Public,
        ["POST /api/v1/schools/{schoolCode}/enrollments"] = AccessPolicies.SchoolClient,
        ["GET /api/v1/schools/{schoolCode}/enrollments"] = AccessPolicies.SchoolClient,
        ["GET /api/v1/schools/{schoolCode}/classes"] = AccessPolicies.SchoolClient,
        ["GET /api/v1/schools/{schoolCode}/classes/{classCode}/forms.zip"] = AccessPolicies.SchoolClient,
        ["POST /api/v1/schools/{schoolCode}/enrollments/{id:guid}/form-received"] = AccessPolicies.SchoolClient,
        ["GET /api/v1/reference/provinces"] = Public,
        ["GET /api/v1/reference/provinces/{code}/districts"] = Public,
        ["GET /api/v1/reference/provinces/{code}/wards"] = Public,
        ["GET /api/v1/reference/provinces/{provinceCode}/districts/{code}/wards"] = Public,
        ["GET /api/v1/reference/districts/{code}/wards"] = Public,
        ["GET /api/v1/reference/offices"] = Public,
        ["GET /api/v1/reference/rejection-reasons"] = Public,
        ["GET /api/v1/documents/verify"] = Public,
        ["POST /api/v1/qr/cccd"] = Public,
        ["POST /api/v1/qr/bhyt"] = Public,
        ["POST /api/v1/registrations"] = Public,
        ["GET /api/v1/consent-text"] = Public,
        ["GET /api/v1/registrations/status"] = Public,
        ["POST /api/v1/registrations/resume"] = Public,
        ["POST /api/v1/registrations/resume/confirm"] = Public,
        ["GET /api/v1/registrations/{id:guid}"] = Application,
        ["PUT /api/v1/registrations/{id:guid}"] = Application,
        ["DELETE /api/v1/registrations/{id:guid}"] = Application,
        ["POST /api/v1/registrations/{id:guid}/phone-verification"] = Application,
        ["POST /api/v1/registrations/{id:guid}/phone-verification/confirm"] = Application,
        ["PUT /api/v1/registrations/{id:guid}/documents/{kind}"] = Application,
        ["POST /api/v1/registrations/{id:guid}/submit"] = Application,
        ["GET /api/v1/registrations/{id:guid}/declaration.pdf"] = Application,
        ["POST /api/v1/auth/token"] = Public,
        ["POST /api/v1/auth/revoke"] = Public,
        ["POST /api/v1/auth/password-reset"] = Public,
        ["POST /api/v1/auth/password-reset/confirm"] = Public,
        ["GET /api/v1/account/me"] = AccessPolicies.Person,
        ["GET /api/v1/account/me/access-log"] = AccessPolicies.Person,
        ["POST /api/v1/admin/people/{bhxhCode}/erasure"] = AccessPolicies.Admin,
        ["POST /api/v1/account/password"] = AccessPolicies.PasswordChange,
        ["POST /api/v1/account/smart-otp/sms"] = AccessPolicies.Person,
        ["POST /api/v1/account/smart-otp"] = AccessPolicies.Person,
        ["POST /api/v1/account/smart-otp/confirm"] = AccessPolicies.Person,
        ["DELETE /api/v1/account/smart-otp"] = AccessPolicies.Person,
        ["POST /api/v1/admin/staff"] = AccessPolicies.Admin,
        ["GET /api/v1/admin/staff"] = AccessPolicies.Admin,
        ["POST /api/v1/admin/staff/{id:guid}/disable"] = AccessPolicies.Admin,
        ["POST /api/v1/admin/clients"] = AccessPolicies.Admin,
        ["GET /api/v1/admin/clients"] = AccessPolicies.Admin,
        ["DELETE /api/v1/admin/clients/{clientId}"] = AccessPolicies.Admin,
        ["GET /api/v1/admin/audit"] = AccessPolicies.Admin,
        ["PUT /api/v1/admin/registry"] = AccessPolicies.Admin,
        ["PUT /api/v1/admin/offices"] = AccessPolicies.Admin,
        ["PUT /api/v1/admin/offices/{officeCode}/settings"] = AccessPolicies.Admin,
        ["GET /api/v1/offices/{officeCode}/cases"] = AccessPolicies.Officer,
        ["GET /api/v1/offices/{officeCode}/stats"] = AccessPolicies.Officer,
        ["POST /api/v1/cases/{id:guid}/claim"] = AccessPolicies.Officer,
        ["POST /api/v1/cases/{id:guid}/release"] = AccessPolicies.Officer,
        ["GET /api/v1/cases/{id:guid}"] = AccessPolicies.Officer,
        ["GET /api/v1/cases/{id:guid}/documents/{kind}"] = AccessPolicies.Officer,
        ["POST /api/v1/cases/{id:guid}/approve"] = AccessPolicies.Officer,
        ["POST /api/v1/cases/{id:guid}/reject"] = AccessPolicies.Officer,
        ["POST /api/v1/cases/{id:guid}/request-information"] = AccessPolicies.Officer,
    };

    /// <summary>Endpoints about one office, named in the path (office codes are public): an officer of another office gets 403 there.</summary>
    private static readonly HashSet<string> OfficeInPath = ["GET /api/v1/offices/{officeCode}/cases", "GET /api/v1/offices/{officeCode}/stats"];

    /// <summary>Which callers each policy admits (the officer of another office passes the role check; the office is checked per resource).</summary>
    private static readonly Dictionary<string, string[]> Admits = new()
    {
        [AccessPolicies.Person] = ["citizen", "officer", "officer-elsewhere", "admin"],
        [AccessPolicies.PasswordChange] = ["citizen", "officer", "officer-elsewhere", "admin"],
        [AccessPolicies.Citizen] = ["citizen"],
        [AccessPolicies.Officer] = ["officer", "officer-elsewhere"],
        [AccessPolicies.Admin] = ["admin"],
        [AccessPolicies.SchoolClient] = ["school"],
        [AccessPolicies.Partner] = ["partner"],
    };

    private IEnumerable<(string Key, string Method, string Route, string? Policy)> Endpoints() => ApiEndpoints.Of(fixture.App);

    [Fact]
    public void Every_endpoint_has_a_row_and_its_protection_is_the_rows()
    {
        var endpoints = Endpoints().ToList();
        var missing = endpoints.Where(e => !Rows.ContainsKey(e.Key)).Select(e => e.Key).ToList();
        Assert.True(missing.Count == 0, "Endpoints without a row in the authorization matrix: " + string.Join(", ", missing));
        Assert.Empty(Rows.Keys.Except(endpoints.Select(e => e.Key)));
        foreach (var (key, _, _, policy) in endpoints)
        {
            var row = Rows[key];
            Assert.True(row is Public or Application ? policy is null : policy == row, $"{key}: the endpoint requires '{policy ?? "nothing"}', its row says '{row}'");
        }
    }

    [Fact]
    public async Task Every_caller_gets_what_its_row_says_on_every_endpoint()
    {
        var api = new IdentityClient(fixture.App);
        var registration = new RegistrationClient(fixture.App.CreateUncheckedClient());
        var (code, _, password) = await api.ActiveCitizen();
        var officer = await api.ActiveStaff("officer", "00131");
        var elsewhere = await api.ActiveStaff("officer", "00101");
        var callers = new Dictionary<string, string?>
        {
            ["anonymous"] = null,
            ["application"] = null, // set per row: a fresh draft's own token
            ["citizen"] = await api.AccessToken(code, password),
            ["officer"] = await api.AccessToken(officer.UserName, officer.Password),
            ["officer-elsewhere"] = await api.AccessToken(elsewhere.UserName, elsewhere.Password),
            ["admin"] = await api.AccessToken(IdentityClient.DevAdmin, IdentityClient.DevAdminPassword),
            ["school"] = (await api.Client(Scopes.SchoolEnroll, "HN-THCS-001")).Token,
            ["partner"] = (await api.Client(Scopes.Partner)).Token,
        };
        var http = fixture.App.CreateUncheckedClient();
        var failures = new List<string>();
        foreach (var (key, method, route, _) in Endpoints())
        {
            var row = Rows[key];
            foreach (var (caller, bearer) in callers)
            {
                var (applicationId, applicationToken) = await registration.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone()));
                var token = caller == "application" ? applicationToken : bearer;
                var url = route.Replace("{id:guid}", applicationId.ToString(), StringComparison.Ordinal).Replace("{kind}", "portrait", StringComparison.Ordinal)
                    .Replace("{clientId}", "vssid_0000000000000000", StringComparison.Ordinal).Replace("{provinceCode}", "01", StringComparison.Ordinal)
                    .Replace("{code}", "01", StringComparison.Ordinal).Replace("{bhxhCode}", "0120169123", StringComparison.Ordinal)
                    .Replace("{officeCode}", "00131", StringComparison.Ordinal).Replace("{captchaId:guid}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
                    .Replace("{schoolCode}", "HN-THCS-001", StringComparison.Ordinal).Replace("{classCode}", "6A1", StringComparison.Ordinal);
                var request = new HttpRequestMessage(new HttpMethod(method), new Uri(url, UriKind.Relative));
                if (route.Contains("/documents/", StringComparison.Ordinal))
                {
                    request.Content = new ByteArrayContent(TestImages.Jpeg) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } };
                }
                else if (route.EndsWith("/registry", StringComparison.Ordinal) || key == "PUT /api/v1/admin/offices")
                {
                    request.Content = new StringContent("bhxhCode,fullName,dateOfBirth,gender\n", Encoding.UTF8, "text/csv");
                }
                else if (method is "POST" or "PUT" or "DELETE")
                {
                    request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                }
                if (token is not null)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                }
                var status = (await http.SendAsync(request)).StatusCode;
                var expected = OfficeInPath.Contains(key) && caller == "officer-elsewhere" ? "403" : Expected(row, caller);
                var ok = expected switch
                {
                    "through" => status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) && (int)status < 500,
                    "401" => status == HttpStatusCode.Unauthorized,
                    _ => status == HttpStatusCode.Forbidden,
                };
                if (!ok)
                {
                    failures.Add($"{key} as {caller}: {(int)status}, expected {expected}");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static string Expected(string row, string caller) => row switch
    {
        Public => "through",
        // Registration's token is not a JWT and a JWT is not Registration's token.
        Application => caller == "application" ? "through" : "401",
        _ when caller is "anonymous" or "application" => "401",
        _ => Admits[row].Contains(caller) ? "through" : "403",
    };
}
