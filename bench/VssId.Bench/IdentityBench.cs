using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Claims;
using System.Text.Json;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.Security;
using VssId.Modules.Credentials.Domain;
using VssId.Modules.Credentials.Features.AccountProfile;
using VssId.Modules.Credentials.Features.ManageStaff;
using VssId.Modules.Credentials.Security;

namespace VssId.Bench;

/// <summary>
/// bench/run.sh identity [seconds]: (1) logins/s with 16 concurrent clients against the raw Argon2id rate on
/// the same cores, interleaved; (2) a protected GET with a JWT against the same GET made anonymous. The real
/// Host (Program, Production settings, both roles) serves over Kestrel on a durable local PostgreSQL.
/// </summary>
internal static class IdentityBench
{
    private const int Clients = 16;
    private const string Password = "Sông Hồng chảy qua 36 phố";

    /// <summary>The same read as GET /api/v1/account/me, once behind the Person policy and once open, for the comparison.</summary>
    private sealed class Probes : IEndpoint
    {
        public static Guid AccountId { get; set; }

        public void Map(IEndpointRouteBuilder group)
        {
            group.MapGet("/bench/me", async (ClaimsPrincipal user, ISender sender, CancellationToken ct) => Results.Ok(await sender.Send(new GetMyAccount(user), ct)))
                .RequireAccess(AccessPolicies.Person);
            group.MapGet("/bench/me-anonymous", async (ISender sender, CancellationToken ct) =>
                Results.Ok(await sender.Send(new GetMyAccount(new ClaimsPrincipal(new ClaimsIdentity([new Claim(VssIdClaims.Subject, AccountId.ToString())]))), ct)));
        }
    }

    public static async Task Run(string connectionString, int seconds)
    {
        var port = BenchSupport.FreePort();
        BenchSupport.PointAtHostContentRoot();
        await using var host = new BenchHost(connectionString, port, "Production", s => s.AddSingleton<IEndpoint, Probes>());
        host.StartServer();
        var baseUrl = $"http://127.0.0.1:{port}";
        var users = new List<string>();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var sender = scope.ServiceProvider.GetRequiredService<ISender>();
            for (var i = 0; i < Clients; i++)
            {
                var created = await sender.Send(new CreateStaffUser(new CreateStaffUserRequest
                {
                    UserName = $"bench.{i:D2}.{Guid.NewGuid():N}"[..20], FullName = "Trần Thị Lan", Role = Roles.Admin,
                }, "bench", Password));
                users.Add(created.UserName);
            }
            Probes.AccountId = Account.IdFor(users[0]);
        }
        var hasher = host.Services.GetRequiredService<PasswordHasher>();
        var stored = hasher.Hash(Password);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients * 2 }) { BaseAddress = new Uri(baseUrl) };

        // Warm-up: JIT and pools.
        await Logins(http, users, 10);
        await Hashes(hasher, stored, 3);

        // 1. Logins against the raw hash rate, interleaved in slices (the VM's speed drifts).
        const int slices = 4;
        double loginCount = 0, loginSeconds = 0, hashCount = 0, hashSeconds = 0;
        var loginLatencies = new List<double>();
        var errors = 0;
        long processTicks = 0, postgresTicks = 0;
        for (var slice = 0; slice < slices; slice++)
        {
            var (n, s) = await Hashes(hasher, stored, seconds / slices);
            hashCount += n;
            hashSeconds += s;
            var (processBefore, postgresBefore) = CpuTicks();
            var login = await Logins(http, users, seconds / slices);
            var (processAfter, postgresAfter) = CpuTicks();
            processTicks += processAfter - processBefore;
            postgresTicks += postgresAfter - postgresBefore;
            loginCount += login.Latencies.Length;
            loginSeconds += login.Seconds;
            loginLatencies.AddRange(login.Latencies);
            errors += login.Errors;
        }
        var hashRate = hashCount / hashSeconds;
        var loginRate = loginCount / loginSeconds;
        var sorted = loginLatencies.Order().ToArray();
        Console.WriteLine($"argon2id.raw: {hashRate:F1} verifications/s on {Environment.ProcessorCount} threads "
            + $"(m = {PasswordHasher.MemoryKiB} KiB, t = {PasswordHasher.Passes}, p = 1; {1000.0 * Environment.ProcessorCount / hashRate:F1} ms per hash per core)");
        Console.WriteLine($"login.password: {loginRate:F1} logins/s, p50 {sorted[sorted.Length / 2]:F0} ms, p99 {sorted[(int)(sorted.Length * 0.99)]:F0} ms, errors {errors}   "
            + $"({Clients} clients) = {loginRate / hashRate:P0} of the raw hash rate   [goal >= 80%]");
        // 100 ticks per second; the Host and the load generator share this process.
        Console.WriteLine($"login cpu per login (ms): host+client {processTicks * 10.0 / loginCount:F1} (of which one hash ≈ {1000.0 * Environment.ProcessorCount / hashRate:F1}), "
            + $"postgres {postgresTicks * 10.0 / loginCount:F1}");

        // 2. The same GET with a JWT (validation, stamp lookup, policy) and without.
        var tokens = new List<string>();
        foreach (var user in users)
        {
            var answer = await (await Login(http, user)).Content.ReadFromJsonAsync<JsonElement>();
            tokens.Add(answer.GetProperty("access_token").GetString()!);
        }
        await Gets(http, "/bench/me", tokens, 5);
        await Gets(http, "/bench/me-anonymous", null, 5);
        Result protectedGets = new([], 0, 0), anonymousGets = new([], 0, 0);
        for (var slice = 0; slice < slices; slice++)
        {
            protectedGets += await Gets(http, "/bench/me", tokens, seconds / slices);
            anonymousGets += await Gets(http, "/bench/me-anonymous", null, seconds / slices);
        }
        Console.WriteLine($"get.anonymous: {anonymousGets.Rate:F0} req/s, p50 {anonymousGets.P50:F1} ms, errors {anonymousGets.Errors}");
        Console.WriteLine($"get.jwt: {protectedGets.Rate:F0} req/s, p50 {protectedGets.P50:F1} ms, errors {protectedGets.Errors}   "
            + $"= {protectedGets.Rate / anonymousGets.Rate:P0} of anonymous   [goal >= 80%]");
    }

    private sealed record Result(double[] Latencies, double Seconds, int Errors)
    {
        public double Rate => Latencies.Length / Seconds;
        public double P50 => Latencies.Order().ElementAt(Latencies.Length / 2);
        public static Result operator +(Result a, Result b) => new([.. a.Latencies, .. b.Latencies], a.Seconds + b.Seconds, a.Errors + b.Errors);
    }

    private static Task<HttpResponseMessage> Login(HttpClient http, string user) =>
        http.PostAsync(new Uri("/api/v1/auth/token", UriKind.Relative), new FormUrlEncodedContent(
            [KeyValuePair.Create("grant_type", "password"), KeyValuePair.Create("username", user), KeyValuePair.Create("password", Password)]));

    private static Task<Result> Logins(HttpClient http, List<string> users, int seconds) =>
        Load(seconds, Clients, async client => (await Login(http, users[client])).StatusCode == HttpStatusCode.OK);

    private static Task<Result> Gets(HttpClient http, string path, List<string>? tokens, int seconds) =>
        Load(seconds, Clients * 2, async client =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
            if (tokens is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[client % tokens.Count]);
            }
            using var response = await http.SendAsync(request);
            return response.StatusCode == HttpStatusCode.OK;
        });

    private static async Task<Result> Load(int seconds, int clients, Func<int, Task<bool>> call)
    {
        var latencies = new ConcurrentBag<double>();
        var errors = 0;
        var clock = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
        {
            while (clock.Elapsed < until)
            {
                var started = Stopwatch.GetTimestamp();
                if (!await call(client))
                {
                    Interlocked.Increment(ref errors);
                }
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }));
        return new Result(latencies.ToArray(), clock.Elapsed.TotalSeconds, errors);
    }

    /// <summary>Argon2id verifications with one thread per core: the ceiling a login cannot beat.</summary>
    private static async Task<(long Count, double Seconds)> Hashes(PasswordHasher hasher, string stored, int seconds)
    {
        long count = 0;
        var clock = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        await Parallel.ForAsync(0, Environment.ProcessorCount, async (_, _) =>
        {
            while (clock.Elapsed < until)
            {
                hasher.Verify(Password, stored);
                Interlocked.Increment(ref count);
            }
            await Task.CompletedTask;
        });
        return (count, clock.Elapsed.TotalSeconds);
    }

    /// <summary>CPU clock ticks (utime + stime, /proc) of this process and of PostgreSQL's processes.</summary>
    private static (long Process, long Postgres) CpuTicks()
    {
        long self = 0, postgres = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            var close = stat.LastIndexOf(')');
            var name = stat[(stat.IndexOf('(') + 1)..close];
            var fields = stat[(close + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)
                + long.Parse(fields[13], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[14], System.Globalization.CultureInfo.InvariantCulture);
            if (pid == Environment.ProcessId)
            {
                self += ticks;
            }
            else if (name == "postgres")
            {
                postgres += ticks;
            }
        }
        return (self, postgres);
    }
}
