using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace VssId.Bench;

/// <summary>
/// POST /api/v1/registrations against the real Host (a child process, Kestrel, durable embedded-style
/// PostgreSQL) side by side with a bare minimal API doing one INSERT per POST on the same server.
/// </summary>
internal static class RegistrationBench
{
    public static async Task Run(string connectionString, int seconds, int clients)
    {
        await using (var setup = new NpgsqlConnection(connectionString))
        {
            await setup.OpenAsync();
            await new NpgsqlCommand("CREATE TABLE IF NOT EXISTS bare (id uuid PRIMARY KEY, body jsonb NOT NULL)", setup).ExecuteNonQueryAsync();
            await new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", setup).ExecuteNonQueryAsync();
        }

        // The bare baseline: minimal API, one data source, one INSERT per POST.
        var barePort = BenchSupport.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{barePort}");
        builder.Logging.ClearProviders();
        var bare = builder.Build();
        await using var bareData = NpgsqlDataSource.Create(connectionString);
        bare.MapPost("/bare", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            var id = Guid.CreateVersion7();
            await using var command = bareData.CreateCommand("INSERT INTO bare (id, body) VALUES ($1, $2::jsonb)");
            command.Parameters.Add(new NpgsqlParameter { Value = id });
            command.Parameters.Add(new NpgsqlParameter { Value = body });
            await command.ExecuteNonQueryAsync();
            return Results.Created($"/bare/{id}", new { id });
        });
        await bare.StartAsync();

        var hostPort = BenchSupport.FreePort();
        var root = BenchSupport.FindRoot();
        var start = new ProcessStartInfo("dotnet", Path.Combine(root, "src/Host/bin/Release/net10.0/VssId.Host.dll"))
        {
            WorkingDirectory = Path.Combine(root, "src/Host"),
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Production, as it would be served: JSON logs at Warning, no developer pages; messages go to the outbox.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Security__ServerKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48));
        start.Environment["DataProtection__KeyEncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        // A throwaway database: the outbox stands in for the gateway, which production refuses without this switch.
        start.Environment["Messaging__AllowOutboxOutsideDevelopment"] = "true";
        start.Environment["Messaging__Sms__Provider"] = "outbox";
        start.Environment["Messaging__Email__Provider"] = "outbox";
        start.Environment["ConnectionStrings__Postgres"] = connectionString;
        start.Environment["Urls"] = $"http://127.0.0.1:{hostPort}";
        start.Environment["RateLimiting__Enabled"] = "false";
        start.Environment["Host__Roles"] = Environment.GetEnvironmentVariable("BENCH_HOST_ROLES") ?? "api,worker";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Hangfire"] = "Warning";
        using var host = Process.Start(start)!;
        host.OutputDataReceived += (_, _) => { };
        host.ErrorDataReceived += (_, _) => { };
        host.BeginOutputReadLine();
        host.BeginErrorReadLine();
        try
        {
            using var probe = new HttpClient();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                try
                {
                    if ((await probe.GetAsync(new Uri($"http://127.0.0.1:{hostPort}/health/ready"))).IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException) when (DateTime.UtcNow < deadline)
                {
                }
                await Task.Delay(200);
            }

            var counter = 0;
            object Body()
            {
                var n = Interlocked.Increment(ref counter);
                return new
                {
                    bhxhCode = (1_000_000_000L + n).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    fullName = "Nguyễn Văn An",
                    dateOfBirth = "1990-03-15",
                    gender = "Nam",
                    identityDocument = new { type = "Passport", number = "C1234567" },
                    address = new { catalog = "2025", provinceCode = "01", wardCode = "00004", street = "Số 12 ngõ 34 đường Phạm Văn Đồng" },
                    phone = "091" + (1_000_000 + n).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    email = "an.nguyen@example.vn",
                };
            }

            // Warm both up until the JIT has tiered up (a service runs for days: startup is not what is
            // measured; the Host's perf map still grew by ~20 methods/s after 30 s of load, the bare API's
            // settles within seconds), then measure each for the same time with the same clients.
            await Load($"http://127.0.0.1:{barePort}/bare", Body, 10, clients);
            await Load($"http://127.0.0.1:{hostPort}/api/v1/registrations", Body, 30, clients);
            // Interleaved slices, so that a machine that slows down or speeds up during the run (these
            // are shared virtual machines) weighs on both sides alike.
            // The Host's own cluster does not run pg_stat_statements: it is off while throughput is measured
            // and on for a separate profiling slice afterwards.
            await Sql(connectionString, "ALTER SYSTEM SET pg_stat_statements.track = 'none'", "SELECT pg_reload_conf()");
            var baseline = new Tally();
            var vssid = new Tally();
            const int slices = 4;
            for (var slice = 0; slice < slices; slice++)
            {
                await baseline.Measure(host.Id, () => Load($"http://127.0.0.1:{barePort}/bare", Body, seconds / slices, clients));
                await vssid.Measure(host.Id, () => Load($"http://127.0.0.1:{hostPort}/api/v1/registrations", Body, seconds / slices, clients));
            }
            await Sql(connectionString, "ALTER SYSTEM SET pg_stat_statements.track = 'top'", "SELECT pg_reload_conf()", "SELECT pg_stat_statements_reset()");
            var profiled = await Load($"http://127.0.0.1:{hostPort}/api/v1/registrations", Body, 5, clients);
            await PrintTopStatements(connectionString, profiled.Latencies.Length);
            Console.WriteLine($"bare.insert: {baseline.Rate:F0} req/s, p50 {baseline.P50:F1} ms, p99 {baseline.P99:F1} ms, errors {baseline.Errors}   ({clients} clients, {seconds} s in {slices} slices, durable commits)");
            Console.WriteLine($"registration.start: {vssid.Rate:F0} req/s, p50 {vssid.P50:F1} ms, p99 {vssid.P99:F1} ms, errors {vssid.Errors}   " +
                              $"= {vssid.Rate / baseline.Rate:P0} of bare   [goal >= 50% of bare]");
            // CPU per request by process: what each request costs the 2 shared cores.
            Console.WriteLine($"cpu per request (µs): bare      {baseline.CpuPerRequest}");
            Console.WriteLine($"cpu per request (µs): vssid     {vssid.CpuPerRequest}");
        }
        finally
        {
            host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
            await bare.StopAsync();
        }
    }

    private sealed record Result(double[] Latencies, double Seconds, int Errors);

    /// <summary>The slices of one side added up: requests, latencies, errors and CPU.</summary>
    private sealed class Tally
    {
        private readonly List<double> _latencies = [];
        private double _seconds;
        private Cpu _cpu;

        public int Errors { get; private set; }

        public double Rate => _latencies.Count / _seconds;

        public double P50 => Percentile(0.5);

        public double P99 => Percentile(0.99);

        public string CpuPerRequest => _cpu.PerRequest(_latencies.Count);

        public async Task Measure(int hostPid, Func<Task<Result>> load)
        {
            var before = CpuTicks(hostPid);
            var result = await load();
            _cpu += CpuTicks(hostPid) - before;
            _latencies.AddRange(result.Latencies);
            _seconds += result.Seconds;
            Errors += result.Errors;
        }

        private double Percentile(double p)
        {
            var sorted = _latencies.Order().ToArray();
            return sorted[(int)(sorted.Length * p)];
        }
    }

    /// <summary>CPU clock ticks (utime + stime, /proc) of the Host, of PostgreSQL's processes and of this process (load generator and bare API).</summary>
    private readonly record struct Cpu(long Host, long Postgres, long Bench)
    {
        public static Cpu operator -(Cpu a, Cpu b) => new(a.Host - b.Host, a.Postgres - b.Postgres, a.Bench - b.Bench);

        public static Cpu operator +(Cpu a, Cpu b) => new(a.Host + b.Host, a.Postgres + b.Postgres, a.Bench + b.Bench);

        public string PerRequest(long requests)
        {
            string Us(long ticks) => $"{ticks * 10_000.0 / requests,5:F0}"; // 100 ticks per second
            return $"host {Us(Host)}  postgres {Us(Postgres)}  bench+bare {Us(Bench)}  total {Us(Host + Postgres + Bench)}";
        }
    }

    private static Cpu CpuTicks(int hostPid)
    {
        long host = 0, postgres = 0, bench = 0;
        var self = Environment.ProcessId;
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
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            var close = stat.LastIndexOf(')');
            var name = stat[(stat.IndexOf('(') + 1)..close];
            var fields = stat[(close + 2)..].Split(' ');
            long Field(int i) => long.Parse(fields[i], System.Globalization.CultureInfo.InvariantCulture);
            // utime + stime, plus the children's that ended and were waited for (the postmaster's
            // backends and autovacuum workers that exited during a slice).
            var ticks = Field(11) + Field(12) + Field(13) + Field(14);
            if (pid == hostPid)
            {
                host += ticks;
            }
            else if (pid == self)
            {
                bench += ticks;
            }
            else if (name == "postgres")
            {
                postgres += ticks;
            }
        }
        return new Cpu(host, postgres, bench);
    }

    private static async Task Sql(string connectionString, params string[] statements)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var sql in statements)
        {
            await new NpgsqlCommand(sql, connection).ExecuteNonQueryAsync();
        }
        await Task.Delay(200); // backends pick up a reloaded setting at their next command
    }

    // Where PostgreSQL spent its time during a 5-second registration load (pg_stat_statements).
    private static async Task PrintTopStatements(string connectionString, int starts)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT calls, round(total_exec_time::numeric, 0), round(mean_exec_time::numeric, 3), left(regexp_replace(query, '\s+', ' ', 'g'), 110)
            FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 8
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        Console.WriteLine($"postgres.top_statements during {starts} more starts, 5 s (calls, total ms, mean ms, statement):");
        while (await reader.ReadAsync())
        {
            Console.WriteLine($"  {reader.GetInt64(0),8} {reader.GetDecimal(1),8} {reader.GetDecimal(2),7}  {reader.GetString(3)}");
        }
    }

    private static async Task<Result> Load(string url, Func<object> body, int seconds, int clients)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients });
        var latencies = new ConcurrentBag<double>();
        var errors = 0;
        var clock = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            while (clock.Elapsed < until)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await http.PostAsJsonAsync(new Uri(url), body());
                if (response.StatusCode != HttpStatusCode.Created)
                {
                    Interlocked.Increment(ref errors);
                }
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }));
        return new Result(latencies.ToArray(), clock.Elapsed.TotalSeconds, errors);
    }
}
