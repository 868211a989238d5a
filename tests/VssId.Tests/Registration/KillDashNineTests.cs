using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using VssId.Tests.Infrastructure;
using VssId.Tests.Notifications;

namespace VssId.Tests.Registration;

/// <summary>
/// Acceptance E3: the Host process is killed (SIGKILL) while submissions are under way and started again:
/// every submission that was answered 2xx is still there and gets its receipt SMS exactly once.
/// </summary>
public sealed class KillDashNineTests
{
    private sealed class HostProcess : IAsyncDisposable
    {
        private readonly Process _process;

        public HostProcess(string connectionString, string files)
        {
            Port = LoopbackPorts.Free();
            var start = new ProcessStartInfo("dotnet", Path.Combine(AppContext.BaseDirectory, "VssId.Host.dll"))
            {
                WorkingDirectory = AppContext.BaseDirectory,
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
            start.Environment["ConnectionStrings__Postgres"] = connectionString;
            start.Environment["Urls"] = $"http://127.0.0.1:{Port}";
            start.Environment["RateLimiting__Enabled"] = "false";
            start.Environment["FileStore__Root"] = files;
            start.Environment["Logging__LogLevel__Default"] = "Warning";
            _process = Process.Start(start)!;
            _process.OutputDataReceived += (_, _) => { };
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}") };
        }

        public int Port { get; }

        public HttpClient Client { get; }

        public Task Ready() => Eventually.True(async () =>
        {
            try
            {
                return (await Client.GetAsync(new Uri("/health/ready", UriKind.Relative))).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), "the Host process answers /health/ready");

        public void KillHard() => _process.Kill(entireProcessTree: true);

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            await _process.WaitForExitAsync();
            _process.Dispose();
            Client.Dispose();
        }

    }

    [Fact]
    public async Task Submissions_answered_before_a_kill_9_survive_and_send_their_receipt_exactly_once()
    {
        var database = await TestPostgres.CreateDatabaseAsync();
        var files = Path.Combine(Path.GetTempPath(), "vssid-test-files", Guid.NewGuid().ToString("N"));
        var drafts = new List<(Guid Id, string Token, string Phone)>();
        var answered = new List<(Guid Id, string Token, string Phone, string Number)>();

        await using (var first = new HostProcess(database, files))
        {
            await first.Ready();
            var api = new RegistrationClient(first.Client);
            for (var i = 0; i < 6; i++)
            {
                var phone = RegistrationClient.NewPhone();
                var (id, token) = await api.Ready(RegistrationClient.NewCode(), phone, email: null);
                drafts.Add((id, token, phone));
            }
            var submissions = drafts.Select(async d =>
            {
                try
                {
                    var response = await api.Submit(d.Id, d.Token);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        var number = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("applicationNumber").GetString()!;
                        lock (answered)
                        {
                            answered.Add((d.Id, d.Token, d.Phone, number));
                        }
                    }
                }
                catch (HttpRequestException)
                {
                    // Killed before answering: either committed or not, never half.
                }
            }).ToArray();
            // Kill as soon as the first submission is answered, with the others in flight.
            await Task.WhenAny(submissions);
            first.KillHard();
            await Task.WhenAll(submissions);
        }

        await using var second = new HostProcess(database, files);
        await second.Ready();
        var client = new RegistrationClient(second.Client);
        Assert.NotEmpty(answered);
        foreach (var (id, token, phone, number) in answered)
        {
            var application = await (await client.Send(HttpMethod.Get, $"/api/v1/registrations/{id}", token)).Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("Submitted", application.GetProperty("status").GetString());
            Assert.Equal(number, application.GetProperty("applicationNumber").GetString());
        }
        // Every submitted application — answered or not — gets exactly one receipt.
        foreach (var (id, token, phone) in drafts)
        {
            var application = await (await client.Send(HttpMethod.Get, $"/api/v1/registrations/{id}", token)).Content.ReadFromJsonAsync<JsonElement>();
            if (application.GetProperty("status").GetString() != "Submitted")
            {
                continue;
            }
            var number = application.GetProperty("applicationNumber").GetString()!;
            await Eventually.True(async () => await NotificationsDb.Count(database,
                "SELECT count(*) FROM notifications.outbox WHERE to_address = $1 AND body LIKE '%' || $2 || '%'", phone, number) >= 1,
                TimeSpan.FromSeconds(120), $"the receipt of {number} is sent after the restart"); // a job its killed worker had fetched waits out the invisibility timeout (30 s) or the sweep
            Assert.Equal(1, await NotificationsDb.Count(database,
                "SELECT count(*) FROM notifications.outbox WHERE to_address = $1 AND body LIKE '%' || $2 || '%'", phone, number));
        }
    }
}
