using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using VssId.BuildingBlocks.Marten;
using VssId.Modules.Credentials.Features.IssueAccount;
using VssId.Modules.Registration.ReadModels;
using VssId.Tests.Infrastructure;
using VssId.Tests.Notifications;

namespace VssId.Tests.Registration;

public sealed class GroupedStartsFixture : VssIdFixture
{
    // One writer: starts that arrive while it is held all join its next group.
    protected override VssIdAppOptions Options => new() { Settings = new Dictionary<string, string?> { ["Marten:GroupCommitWriters"] = "1" } };
}

/// <summary>
/// Starts saved together (ADR 17) over HTTP: the host's only writer is held while the starts arrive, so they form one
/// group; each still gets its own answer, its own data under its own token, and a refused one its own refusal.
/// </summary>
public sealed class GroupedStartsTests(GroupedStartsFixture fixture) : IClassFixture<GroupedStartsFixture>
{
    private readonly RegistrationClient _api = new(fixture.App.CreateClient());
    private GroupCommit Commits => fixture.App.Services.GetRequiredService<GroupCommit>();

    private Task<long> Count(string sql, params object[] args) => NotificationsDb.Count(fixture.ConnectionString, sql, args);

    /// <summary>Posts <paramref name="declarations"/> at once while the writer is held, then lets them commit as one group.</summary>
    private async Task<HttpResponseMessage[]> StartTogether(IReadOnlyList<object> declarations)
    {
        using var entered = new ManualResetEventSlim();
        using var released = new ManualResetEventSlim();
        var held = Commits.Save(_ =>
        {
            entered.Set();
            released.Wait(TimeSpan.FromSeconds(60));
        }, CancellationToken.None);
        Assert.True(await Task.Run(() => entered.Wait(TimeSpan.FromSeconds(30))));
        try
        {
            var posts = declarations.Select(d => _api.Http.PostAsJsonAsync(new Uri("/api/v1/registrations", UriKind.Relative), d)).ToArray();
            await Eventually.True(() => Task.FromResult(Commits.Waiting == declarations.Count), TimeSpan.FromSeconds(30), "every start is queued");
            Assert.All(posts, post => Assert.False(post.IsCompleted)); // answered only once committed
            released.Set();
            await held;
            return await Task.WhenAll(posts);
        }
        finally
        {
            released.Set();
        }
    }

    private static async Task<(Guid Id, string Token)> Started(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        var json = JsonDocument.Parse(body).RootElement;
        return (json.GetProperty("id").GetGuid(), json.GetProperty("accessToken").GetString()!);
    }

    private static readonly string[] Names =
        ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thị Dung", "Hoàng Văn Đức", "Vũ Thị Giang", "Đặng Quốc Huy", "Bùi Thị Khánh"];

    [Fact]
    public async Task Starts_of_one_group_commit_in_one_transaction_and_each_reads_back_its_own_declaration()
    {
        var twice = RegistrationClient.NewCode(); // one person starting twice in the same moment: one key for both
        var people = Enumerable.Range(0, 8).Select(i => (Code: i < 2 ? twice : RegistrationClient.NewCode(), Name: Names[i])).ToArray();
        var responses = await StartTogether([.. people.Select(p => RegistrationClient.Declaration(p.Code, RegistrationClient.NewPhone(), fullName: p.Name))]);

        var started = new List<Guid>();
        for (var i = 0; i < people.Length; i++)
        {
            var (id, token) = await Started(responses[i]);
            started.Add(id);
            var read = await _api.Send(HttpMethod.Get, $"/api/v1/registrations/{id}", token);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            var application = (await read.Content.ReadFromJsonAsync<JsonElement>());
            Assert.Equal(people[i].Code, application.GetProperty("bhxhCode").GetString());
            Assert.Equal(people[i].Name, application.GetProperty("fullName").GetString());
        }
        Assert.Equal(8, started.Distinct().Count());
        Assert.Equal(1, await Count("SELECT count(DISTINCT xmin::text) FROM events.mt_events WHERE stream_id = ANY($1)", started.ToArray()));
        Assert.Equal(8, await Count($"SELECT count(*) FROM {ApplicationIndex.TableName} WHERE id = ANY($1)", started.ToArray()));
        Assert.Equal(1, await Count("SELECT count(*) FROM privacy.person_keys WHERE subject = $1", twice));
    }

    [Fact]
    public async Task A_refused_start_in_a_group_gets_its_409_and_the_others_are_stored()
    {
        var taken = RegistrationClient.NewCode();
        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ISender>().Send(new IssueAccount(Guid.NewGuid(), taken, "Nguyễn Văn An", RegistrationClient.NewPhone(), null, null, "HN"));
        }
        await Eventually.True(async () => await Count($"SELECT count(*) FROM {AccountCodes.TableName} WHERE bhxh_code = $1", taken) == 1,
            because: "Registration learns of the account through Credentials' relay");
        var codes = new[] { RegistrationClient.NewCode(), RegistrationClient.NewCode(), taken, RegistrationClient.NewCode() };

        var responses = await StartTogether([.. codes.Select(code => RegistrationClient.Declaration(code, RegistrationClient.NewPhone()))]);

        await responses[2].AssertProblem(HttpStatusCode.Conflict, "registration.account_exists");
        foreach (var i in new[] { 0, 1, 3 })
        {
            var (id, token) = await Started(responses[i]);
            Assert.Equal(HttpStatusCode.OK, (await _api.Send(HttpMethod.Get, $"/api/v1/registrations/{id}", token)).StatusCode);
        }
        Assert.Equal(3, await Count($"SELECT count(*) FROM {ApplicationIndex.TableName} WHERE bhxh_code = ANY($1)", (object)codes));
        Assert.Equal(0, await Count($"SELECT count(*) FROM {ApplicationIndex.TableName} WHERE bhxh_code = $1", taken));
    }
}
