using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using VssId.BuildingBlocks.IntegrationEvents;
using VssId.Modules.Approval.Contracts;
using VssId.Tests.Infrastructure;
using VssId.Tests.Registration;

namespace VssId.Tests.Credentials;

/// <summary>Logs in and calls protected endpoints the way an app would: OAuth form posts, bearer tokens, the dev outbox.</summary>
public sealed partial class IdentityClient(VssIdApp app)
{
    public const string DevAdmin = "admin";
    public const string DevAdminPassword = "dev-admin-VssId-2026";

    /// <summary>An officer of <paramref name="office"/> finds submission <paramref name="number"/> in the office's queue, claims and approves it.</summary>
    public async Task<(Guid CaseId, string OfficerToken)> ApproveInOffice(string office, string number)
    {
        var officer = await ActiveStaff("officer", office);
        var officerToken = await AccessToken(officer.UserName, officer.Password);
        Guid caseId = default;
        await Eventually.True(async () =>
        {
            var items = (await (await Send(HttpMethod.Get, $"/api/v1/offices/{office}/cases?applicationNumber={number}", officerToken))
                .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items");
            caseId = items.GetArrayLength() == 1 ? items[0].GetProperty("id").GetGuid() : default;
            return caseId != default;
        }, because: $"submission {number} reaches office {office}");
        Assert.Equal(HttpStatusCode.NoContent, (await Send(HttpMethod.Post, $"/api/v1/cases/{caseId}/claim", officerToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Send(HttpMethod.Post, $"/api/v1/cases/{caseId}/approve", officerToken)).StatusCode);
        return (caseId, officerToken);
    }

    public HttpClient Http { get; } = app.CreateClient();

    public Task<HttpResponseMessage> Token(params (string Key, string Value)[] form) =>
        Http.PostAsync(new Uri("/api/v1/auth/token", UriKind.Relative), new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Key, f.Value))));

    public Task<HttpResponseMessage> Login(string userName, string password, string? otp = null) =>
        otp is null
            ? Token(("grant_type", "password"), ("username", userName), ("password", password))
            : Token(("grant_type", "password"), ("username", userName), ("password", password), ("otp", otp));

    /// <summary>A successful login's answer (fails the test otherwise).</summary>
    public async Task<JsonElement> LoggedIn(string userName, string password, string? otp = null)
    {
        var response = await Login(userName, password, otp);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"login of {userName}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<string> AccessToken(string userName, string password) =>
        (await LoggedIn(userName, password)).GetProperty("access_token").GetString()!;

    public Task<HttpResponseMessage> Send(HttpMethod method, string url, string? token, object? body = null)
    {
        var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative)) { Content = body is null ? null : JsonContent.Create(body) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return Http.SendAsync(request);
    }

    /// <summary>An approval as Approval publishes it (that module is the next issue); the account and its SMS follow.</summary>
    public static ApplicationApprovedV1 Approval(string? bhxhCode = null, string? phone = null, string? email = "an.nguyen@example.vn") =>
        new(Guid.NewGuid(), bhxhCode ?? RegistrationClient.NewCode(), "Nguyễn Văn An", phone ?? RegistrationClient.NewPhone(), email, "001090001234", "00131", DateTimeOffset.UtcNow);

    public async Task Publish(ApplicationApprovedV1 approved)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await IntegrationEventDispatcher.Dispatch(scope.ServiceProvider, approved,
            new IntegrationEventContext(Guid.NewGuid(), 0, approved.ApplicationId, DateTimeOffset.UtcNow), CancellationToken.None);
    }

    /// <summary>The one-time password of the account-issued SMS to <paramref name="phone"/>, read from the development outbox.</summary>
    public async Task<string> OneTimePassword(string phone)
    {
        string? password = null;
        await Eventually.True(async () =>
        {
            var messages = (await Http.GetFromJsonAsync<JsonElement[]>(new Uri($"/api/dev/messages?to={phone}", UriKind.Relative)))!;
            var issued = messages.Select(m => PasswordInSms().Match(m.GetProperty("body").GetString()!)).FirstOrDefault(m => m.Success);
            password = issued?.Groups[1].Value;
            return password is not null;
        }, because: $"the account SMS reaches {phone}");
        return password!;
    }

    /// <summary>A citizen whose account is issued and whose password is changed: ready to use.</summary>
    public async Task<(string BhxhCode, string Phone, string Password)> ActiveCitizen(ApplicationApprovedV1? approved = null)
    {
        approved ??= Approval();
        await Publish(approved);
        var oneTime = await OneTimePassword(approved.Phone);
        var first = (await LoggedIn(approved.BhxhCode, oneTime)).GetProperty("access_token").GetString()!;
        const string password = "Sông Hồng chảy qua 36 phố";
        Assert.Equal(HttpStatusCode.NoContent, (await Send(HttpMethod.Post, "/api/v1/account/password", first,
            new { currentPassword = oneTime, newPassword = password })).StatusCode);
        return (approved.BhxhCode, approved.Phone, password);
    }

    /// <summary>A staff user created by the development admin, password changed.</summary>
    public async Task<(string UserName, string Password, Guid Id)> ActiveStaff(string role, string? officeCode)
    {
        var admin = await AccessToken(DevAdmin, DevAdminPassword);
        var userName = $"{role}.{Guid.NewGuid():N}"[..20];
        var created = await Send(HttpMethod.Post, "/api/v1/admin/staff", admin, new { userName, fullName = "Trần Thị Lan", role, officeCode });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var initial = body.GetProperty("initialPassword").GetString()!;
        var first = await AccessToken(userName, initial);
        const string password = "Hồ Gươm lúc bình minh";
        Assert.Equal(HttpStatusCode.NoContent, (await Send(HttpMethod.Post, "/api/v1/account/password", first,
            new { currentPassword = initial, newPassword = password })).StatusCode);
        return (userName, password, body.GetProperty("id").GetGuid());
    }

    /// <summary>An API client created by the development admin and its client-credentials token.</summary>
    public async Task<(string ClientId, string Secret, string Token)> Client(string scope, string? schoolCode = null)
    {
        var admin = await AccessToken(DevAdmin, DevAdminPassword);
        var created = await Send(HttpMethod.Post, "/api/v1/admin/clients", admin,
            new { name = "Trường THCS Minh Khai", scopes = new[] { scope }, schoolCode, officeCode = schoolCode is null ? null : "00131" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var clientId = body.GetProperty("clientId").GetString()!;
        var secret = body.GetProperty("clientSecret").GetString()!;
        var token = await Token(("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", secret), ("scope", scope));
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        return (clientId, secret, (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!);
    }

    [GeneratedRegex("Mat khau dang nhap lan dau: ([a-z0-9]{10})")]
    private static partial Regex PasswordInSms();
}
