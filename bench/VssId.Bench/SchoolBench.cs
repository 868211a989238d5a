using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;

namespace VssId.Bench;

/// <summary>
/// bench/run.sh school [rosters]: a school's rosters against the real Host (both roles) in-process on Kestrel with
/// durable PostgreSQL. 1,000-row CSV rosters (Vietnamese headers, semicolons, dd/MM/yyyy) all valid, then with 10 %
/// invalid rows, each timed from the first byte sent to the last byte of the per-row answer while the worker sends
/// the previous rosters' consent SMS; the Host's managed heap and working set sampled around them. Then a class of
/// 40 whose guardians consent: forms.zip timed to its first byte and to its last.
/// </summary>
internal static partial class SchoolBench
{
    private const string School = "HN-THCS-001";
    private static readonly string[] SchoolScope = ["school:enroll"];

    public static async Task Run(string connectionString, int rosters)
    {
        BenchSupport.PointAtHostContentRoot();
        var port = BenchSupport.FreePort();
        await using var host = new BenchHost(connectionString, port, "Development");
        host.StartServer();
        using var http = EnrollmentBench.Client(port);
        var admin = await EnrollmentBench.Login(http, "admin", "dev-admin-VssId-2026", null);
        var created = await (await EnrollmentBench.Send(http, HttpMethod.Post, "/api/v1/admin/clients", admin,
            JsonContent.Create(new { name = "Trường THCS Minh Khai", scopes = SchoolScope, schoolCode = School, officeCode = "00131" }))).Content.ReadFromJsonAsync<JsonElement>();
        var token = await ClientToken(http, created.GetProperty("clientId").GetString()!, created.GetProperty("clientSecret").GetString()!);

        // Warm-up: JIT and connection pools (two small rosters), then the measured ones.
        for (var i = 0; i < 2; i++)
        {
            await Post(http, token, $"W{i}", Roster(50, 0, out _));
        }
        Console.WriteLine($"school.roster: {rosters} rosters of 1,000 rows each way, CSV ~{Encoding.UTF8.GetByteCount(Roster(1000, 0, out _)) / 1024} KB");
        foreach (var invalidShare in new[] { 0.0, 0.1 })
        {
            var times = new List<double>();
            long heapPeak = 0, workingSetPeak = 0;
            var heapBefore = GC.GetGCMemoryInfo().HeapSizeBytes;
            var accepted = 0;
            for (var i = 0; i < rosters; i++)
            {
                var csv = Roster(1000, invalidShare, out _);
                using var sampler = new Sampler();
                var clock = Stopwatch.StartNew();
                var results = await Post(http, token, $"{(invalidShare == 0 ? "A" : "B")}{i}", csv);
                times.Add(clock.Elapsed.TotalMilliseconds);
                accepted += results.Count(r => r.GetProperty("status").GetString() == "accepted");
                heapPeak = Math.Max(heapPeak, sampler.HeapPeak);
                workingSetPeak = Math.Max(workingSetPeak, sampler.WorkingSetPeak);
            }
            var sorted = times.Order().ToArray();
            Console.WriteLine($"  {invalidShare:P0} invalid: answered in p50 {EnrollmentBench.P(sorted, 0.5):F0} ms, max {sorted[^1]:F0} ms [goal < 2,000 ms]; "
                + $"{accepted} rows accepted of {rosters * 1000}; managed heap {heapBefore / 1048576.0:F0} MB before, peak {heapPeak / 1048576.0:F0} MB, "
                + $"after {GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0:F0} MB; process working set peak {workingSetPeak / 1048576.0:F0} MB");
        }

        // A class of 40: every guardian consents with the SMS code; then the archive of their forms.
        var klass = Roster(40, 0, out var phones);
        await Post(http, token, "9A", klass);
        var consented = Stopwatch.StartNew();
        foreach (var phone in phones)
        {
            var code = await ConsentCode(http, phone);
            (await http.PostAsync(new Uri("/api/v1/consents/confirm", UriKind.Relative), JsonContent.Create(new { phone, code }))).EnsureSuccessStatusCode();
        }
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            while (consented.Elapsed < TimeSpan.FromMinutes(10))
            {
                var ready = (long)(await new NpgsqlCommand("""
                    SELECT count(*) FROM notifications.documents d JOIN enrollment.enrollment_index e ON d.application_number = e.application_number
                    WHERE e.class_code = '9A' AND d.status = 'Ready'
                    """, connection).ExecuteScalarAsync())!;
                if (ready >= 40)
                {
                    break;
                }
                await Task.Delay(200);
            }
        }
        Console.WriteLine($"school.class: 40 consents (SMS code) and their 40 Mẫu 01 rendered in {consented.Elapsed.TotalSeconds:F1} s (the worker also draining the rosters' SMS)");
        var firsts = new List<double>();
        var wholes = new List<double>();
        long bytes = 0;
        var entries = 0;
        for (var i = 0; i < 6; i++)
        {
            var clock = Stopwatch.StartNew();
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/v1/schools/{School}/classes/9A/forms.zip", UriKind.Relative));
            request.Headers.Authorization = new("Bearer", token);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[64 * 1024];
            var read = await body.ReadAsync(buffer);
            var first = clock.Elapsed.TotalMilliseconds;
            var archive = new MemoryStream();
            archive.Write(buffer, 0, read);
            await body.CopyToAsync(archive);
            if (i > 0)
            {
                firsts.Add(first);
                wholes.Add(clock.Elapsed.TotalMilliseconds);
            }
            bytes = archive.Length;
            archive.Position = 0;
            using var zip = new System.IO.Compression.ZipArchive(archive);
            entries = zip.Entries.Count;
        }
        Console.WriteLine($"school.forms.zip (40 children, {entries} PDFs, {bytes / 1024} KB; 5 downloads after one warm-up): first byte p50 {EnrollmentBench.P(firsts.Order(), 0.5):F0} ms, "
            + $"max {firsts.Max():F0} ms [goal < 200 ms]; whole archive p50 {EnrollmentBench.P(wholes.Order(), 0.5):F0} ms, max {wholes.Max():F0} ms [goal < 2,000 ms]");
    }

    private static async Task<string> ClientToken(HttpClient http, string id, string secret)
    {
        var response = await http.PostAsync(new Uri("/api/v1/auth/token", UriKind.Relative), new FormUrlEncodedContent(
            [new("grant_type", "client_credentials"), new("client_id", id), new("client_secret", secret), new("scope", "school:enroll")]));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
    }

    private static async Task<JsonElement[]> Post(HttpClient http, string token, string classCode, string csv)
    {
        var content = new StringContent(csv, new UTF8Encoding(true), "text/csv");
        var response = await EnrollmentBench.Send(http, HttpMethod.Post, $"/api/v1/schools/{School}/enrollments?classCode={classCode}", token, content);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results").EnumerateArray().ToArray();
    }

    private static int _next = Random.Shared.Next(1_000_000, 9_000_000);

    private static readonly string[] Names = ["Nguyễn Minh Khôi", "Trần Thị Ngọc Ánh", "Lê Đức Anh", "Phạm Gia Huy", "Hoàng Thuỳ Linh", "Đặng Quốc Bảo", "Vũ Hải Đăng", "Bùi Khánh Vy"];

    /// <summary>A spreadsheet export: Vietnamese headers, semicolons, dd/MM/yyyy; every tenth row (when asked) with an impossible date.</summary>
    private static string Roster(int rows, double invalidShare, out List<string> phones)
    {
        phones = [];
        var csv = new StringBuilder("Mã số BHXH;Họ và tên;Ngày sinh;Giới tính;Mã số BHXH người giám hộ;Số điện thoại người giám hộ;Quan hệ\r\n");
        var invalidEvery = invalidShare > 0 ? (int)Math.Round(1 / invalidShare) : int.MaxValue;
        for (var i = 0; i < rows; i++)
        {
            var n = Interlocked.Increment(ref _next);
            var phone = "035" + n.ToString("D7", CultureInfo.InvariantCulture);
            phones.Add(phone);
            var date = i % invalidEvery == invalidEvery - 1 ? "31/02/2014" : $"{1 + (i % 28):D2}/{1 + (i % 12):D2}/2014";
            csv.Append(CultureInfo.InvariantCulture, $"02{n:D8};{Names[i % Names.Length]};{date};{(i % 2 == 0 ? "Nam" : "Nữ")};03{n:D8};{phone};{(i % 2 == 0 ? "cha" : "mẹ")}\r\n");
        }
        return csv.ToString();
    }

    private static async Task<string> ConsentCode(HttpClient http, string phone)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var messages = await http.GetFromJsonAsync<JsonElement[]>(new Uri($"/api/dev/messages?to={phone}", UriKind.Relative));
            var match = messages!.Select(m => ConsentCodeInSms().Match(m.GetProperty("body").GetString()!)).FirstOrDefault(m => m.Success);
            if (match is not null)
            {
                return match.Groups[1].Value;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"no consent SMS reached {phone}");
    }

    [GeneratedRegex("nhap ma ([0-9]{8})")]
    private static partial Regex ConsentCodeInSms();

    /// <summary>Samples the process's managed heap and working set every 10 ms while a request runs.</summary>
    private sealed class Sampler : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public long HeapPeak { get; private set; }
        public long WorkingSetPeak { get; private set; }

        public Sampler() => _loop = Task.Run(async () =>
        {
            using var process = Process.GetCurrentProcess();
            while (!_stop.IsCancellationRequested)
            {
                process.Refresh();
                HeapPeak = Math.Max(HeapPeak, GC.GetTotalMemory(false));
                WorkingSetPeak = Math.Max(WorkingSetPeak, process.WorkingSet64);
                await Task.Delay(10);
            }
        });

        public void Dispose()
        {
            _stop.Cancel();
            _loop.Wait();
            _stop.Dispose();
        }
    }
}
