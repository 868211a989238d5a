using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using VssId.Host.Database;
using VssId.Modules.Notifications.Contracts;
using VssId.Modules.Notifications.Documents;

namespace VssId.Bench;

internal static class Benchmark
{
    public static async Task Main(string[] args)
    {
        // Figures for the messaging and documents module on this machine. Run: bench/run.sh [seconds]
        var seconds = args.Select(a => int.TryParse(a, out var n) ? n : 0).FirstOrDefault(n => n > 0, 10);
        var only = args.FirstOrDefault(a => !int.TryParse(a, out _));
        Console.WriteLine($"VssId benchmark — {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");

        if (only == "approval")
        {
            await WithCluster(cs => ApprovalBench.Run(cs, seconds));
            return;
        }
        if (only == "identity")
        {
            await WithCluster(cs => IdentityBench.Run(cs, seconds));
            return;
        }
        if (only == "enrollment")
        {
            await WithCluster(cs => EnrollmentBench.Run(cs, seconds));
            return;
        }
        if (only == "school")
        {
            await WithCluster(cs => SchoolBench.Run(cs, args.Select(a => int.TryParse(a, out var n) ? n : 0).FirstOrDefault(n => n > 0, 5)));
            return;
        }
        if (only == "registration")
        {
            await WithCluster(cs => RegistrationBench.Run(cs, seconds, 32));
            return;
        }

        // 1. Mẫu 01 rendering: PDFs per second with one renderer per core.
        var form = new DeclarationFormV1(Guid.NewGuid(), DeclarationFormKinds.Adult, "00123-20261125-000042", new DateOnly(2026, 11, 25),
            "BHXH Huyện Chương Mỹ", "Hà Nội",
            new DeclarantV1("Nguyễn Văn An", new DateOnly(1990, 3, 15), "Nam", "0120169123", "CCCD", "079090001234",
                "Số 12 ngõ 34 đường Phạm Văn Đồng, Phường Minh Khai, Quận Bắc Từ Liêm, Thành phố Hà Nội"), null, "0352153123", "an.nguyen@example.vn");
        const string url = "http://localhost:8080/api/v1/documents/verify?token=q1v2Fh3sQ0-3lCk5Xh8y0QvN2o3c2l4a3m9pLmV4YW1w";
        var size = 0;
        for (var i = 0; i < 20; i++)
        {
            size = DeclarationFormRenderer.Render(form with { DocumentId = Guid.NewGuid() }, url).Length;
        }
        var rendered = 0L;
        var clock = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        await Parallel.ForAsync(0, Environment.ProcessorCount, async (_, _) =>
        {
            while (clock.Elapsed < until)
            {
                DeclarationFormRenderer.Render(form with { DocumentId = Guid.NewGuid() }, url);
                Interlocked.Increment(ref rendered);
            }
            await Task.CompletedTask;
        });
        Console.WriteLine($"mau01.render: {rendered / clock.Elapsed.TotalSeconds:F1} PDFs/s over {clock.Elapsed.TotalSeconds:F1} s " +
                          $"({Environment.ProcessorCount} threads), {size / 1024.0:F1} KB per PDF   [goal >= 50/s, <= 150 KB]");

        // 2. Enqueue → sent through Hangfire and the outbox provider, on a durable local PostgreSQL.
        var binaries = LocalPostgresCluster.FindBinDirectory() ?? throw new InvalidOperationException("PostgreSQL server binaries are needed (apt-get install postgresql).");
        var directory = Path.Combine(Path.GetTempPath(), $"vssid-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        var cluster = new LocalPostgresCluster(Path.Combine(directory, "cluster"), binaries, durable: true);
        try
        {
            var connectionString = await cluster.EnsureStartedAsync("vssid_bench");
            await using var app = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            {
                b.UseSolutionRelativeContentRoot("src/Host", "VssId.sln");
                b.UseEnvironment("Development");
                b.UseSetting("ConnectionStrings:Postgres", connectionString);
                b.UseSetting("Logging:LogLevel:Default", "Warning");
                b.UseSetting("Logging:LogLevel:Hangfire", "Warning");
            });
            _ = app.Server;
            const int messages = 400;
            var ids = new List<Guid>(messages);
            var pace = TimeSpan.FromMilliseconds(1000.0 / 40); // 40 SMS/s offered, steadily
            var start = Stopwatch.StartNew();
            for (var i = 0; i < messages; i++)
            {
                var id = Guid.NewGuid();
                ids.Add(id);
                await using (var scope = app.Services.CreateAsyncScope())
                {
                    await scope.ServiceProvider.GetRequiredService<IMessageSender>().SendSms(new SmsRequest(id, $"09{i:D8}", MessageTemplates.AccountLocked,
                        new Dictionary<string, string> { ["minutes"] = "15" }), default);
                }
                var due = pace * (i + 1) - start.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due);
                }
            }
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            var latencies = new List<double>();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline)
            {
                await using var select = new NpgsqlCommand(
                    "SELECT EXTRACT(EPOCH FROM (sent_at - created_at)) * 1000 FROM notifications.messages WHERE status = 'Sent'", connection);
                latencies.Clear();
                await using (var reader = await select.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                    {
                        latencies.Add(Convert.ToDouble(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
                    }
                }
                if (latencies.Count == messages)
                {
                    break;
                }
                await Task.Delay(200);
            }
            latencies.Sort();
            double Percentile(double p) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(p * latencies.Count) - 1)];
            Console.WriteLine($"sms.enqueue_to_sent: {latencies.Count}/{messages} sent at 40/s offered; p50 {Percentile(0.50):F0} ms, p99 {Percentile(0.99):F0} ms, " +
                              $"max {latencies[^1]:F0} ms   [goal p99 < 2000 ms, pick-up < 1 s]");
        }
        finally
        {
            cluster.Stop(immediate: true);
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task WithCluster(Func<string, Task> run)
    {
        var binaries = LocalPostgresCluster.FindBinDirectory() ?? throw new InvalidOperationException("PostgreSQL server binaries are needed.");
        var directory = Path.Combine(Path.GetTempPath(), $"vssid-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        var cluster = new LocalPostgresCluster(Path.Combine(directory, "cluster"), binaries, durable: true, maxConnections: 200,
            serverOptions: "-c shared_preload_libraries=pg_stat_statements");
        try
        {
            await run(await cluster.EnsureStartedAsync("vssid_bench"));
        }
        finally
        {
            cluster.Stop(immediate: true);
            Directory.Delete(directory, recursive: true);
        }
    }
}
