using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using VssId.Modules.Notifications.Contracts;
using VssId.Tests.Infrastructure;

namespace VssId.Tests.Notifications;

/// <summary>The real providers against real servers started by the test on loopback.</summary>
public sealed class ProviderTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(string Body, string? Authorization)> _gatewayRequests = new();
    private readonly ConcurrentQueue<MimeMessage> _mails = new();
    private WebApplication? _gateway;
    private int _gatewayFailuresLeft;
    private CancellationTokenSource? _smtpStop;
    private Task? _smtpTask;
    private int _smtpPort;
    private string _gatewayUrl = "";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _gateway = builder.Build();
        _gateway.MapPost("/sms", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            if (Interlocked.Decrement(ref _gatewayFailuresLeft) >= 0)
            {
                return Results.StatusCode(503);
            }
            _gatewayRequests.Enqueue((body, request.Headers.Authorization.ToString()));
            return Results.Ok(new { status = "accepted" });
        });
        await _gateway.StartAsync();
        _gatewayUrl = _gateway.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/sms";

        _smtpPort = LoopbackPorts.Free();
        var options = new SmtpServerOptionsBuilder().ServerName("localhost").Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, _smtpPort))).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IMessageStore>(new CapturingStore(_mails));
        _smtpStop = new CancellationTokenSource();
        _smtpTask = new SmtpServer.SmtpServer(options, services.BuildServiceProvider()).StartAsync(_smtpStop.Token);
    }

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
        await (_smtpStop?.CancelAsync() ?? Task.CompletedTask);
        try
        {
            await (_smtpTask ?? Task.CompletedTask);
        }
        catch (OperationCanceledException)
        {
        }
    }


    private async Task<VssIdApp> Start(params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["Messaging:Sms:Provider"] = "http",
            ["Messaging:Sms:Http:Url"] = _gatewayUrl,
            ["Messaging:Sms:Http:Username"] = "vssid",
            ["Messaging:Sms:Http:Password"] = "gateway-secret",
            ["Messaging:Email:Provider"] = "smtp",
            ["Messaging:Email:Smtp:Host"] = "127.0.0.1",
            ["Messaging:Email:Smtp:Port"] = _smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Messaging:Email:Smtp:Security"] = "None",
            ["Messaging:RetryDelaysSeconds:0"] = "1",
            ["Messaging:RetryDelaysSeconds:1"] = "1",
            ["Messaging:MaxAttempts"] = "3",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }
        var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync(), new VssIdAppOptions { Settings = all });
        _ = app.Server;
        return app;
    }

    private static async Task Send(VssIdApp app, Func<IMessageSender, Task<bool>> send)
    {
        await using var scope = app.Services.CreateAsyncScope();
        Assert.True(await send(scope.ServiceProvider.GetRequiredService<IMessageSender>()));
    }

    [Fact]
    public async Task The_http_gateway_receives_the_folded_text_the_brandname_the_credentials_and_the_message_id()
    {
        await using var app = await Start();
        var id = Guid.NewGuid();
        await Send(app, s => s.SendSms(new SmsRequest(id, "0352153101", MessageTemplates.NeedsInformation,
            new Dictionary<string, string> { ["applicationNumber"] = "00123-20261125-000007", ["reason"] = "Ảnh CCCD bị mờ" }), default));
        await NotificationsDb.WaitForStatus(app, id, "Sent");
        var (body, authorization) = Assert.Single(_gatewayRequests);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal("VssID", json.GetProperty("from").GetString());
        Assert.Equal("0352153101", json.GetProperty("to").GetString());
        Assert.Equal(id.ToString(), json.GetProperty("messageId").GetString());
        Assert.Equal("VssID: Ho so 00123-20261125-000007 can bo sung: Anh CCCD bi mo. Vui long sua va gui lai tren ung dung.", json.GetProperty("text").GetString());
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("vssid:gateway-secret")), authorization);
    }

    [Fact]
    public async Task Gateway_failures_are_retried_with_back_off_and_recorded()
    {
        _gatewayFailuresLeft = 2;
        await using var app = await Start();
        var id = Guid.NewGuid();
        await Send(app, s => s.SendSms(new SmsRequest(id, "0352153102", MessageTemplates.AccountLocked, new Dictionary<string, string> { ["minutes"] = "15" }), default));
        await NotificationsDb.WaitForStatus(app, id, "Sent");
        var row = (await NotificationsDb.Delivery(app, id))!;
        Assert.Equal(3, row.Attempts);
        Assert.Single(_gatewayRequests);
    }

    [Fact]
    public async Task A_message_the_gateway_never_accepts_ends_as_Failed_with_its_last_error()
    {
        _gatewayFailuresLeft = int.MaxValue;
        await using var app = await Start();
        var id = Guid.NewGuid();
        await Send(app, s => s.SendSms(new SmsRequest(id, "0352153103", MessageTemplates.AccountLocked, new Dictionary<string, string> { ["minutes"] = "15" }), default));
        await NotificationsDb.WaitForStatus(app, id, "Failed");
        var row = (await NotificationsDb.Delivery(app, id))!;
        Assert.Equal(3, row.Attempts);
        Assert.Contains("503", row.LastError, StringComparison.Ordinal);
        Assert.Empty(_gatewayRequests);
    }

    [Fact]
    public async Task Smtp_delivers_utf8_html_and_text_with_the_pdf_attached()
    {
        await using var app = await Start();
        var form = SampleForms.Adult();
        var id = Guid.NewGuid();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IDeclarationForms>().Request(form, default);
        }
        await Send(app, s => s.SendEmail(new EmailRequest(id, "an.nguyen@example.vn", MessageTemplates.DeclarationEmail,
            new Dictionary<string, string> { ["fullName"] = "Nguyễn Văn An", ["applicationNumber"] = form.ApplicationNumber, ["officeName"] = form.OfficeName },
            [new EmailAttachmentRef(form.DocumentId, "to-khai-mau-01.pdf")]), default));
        await NotificationsDb.WaitForStatus(app, id, "Sent");

        var mail = Assert.Single(_mails);
        Assert.Equal("Tờ khai đăng ký giao dịch điện tử BHXH — hồ sơ 00123-20261125-000042", mail.Subject);
        Assert.Equal($"{id:N}@vssid", mail.MessageId);
        Assert.Contains("Kính gửi Nguyễn Văn An,", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("<strong>Nguyễn Văn An</strong>", mail.HtmlBody, StringComparison.Ordinal);
        var attachment = Assert.IsType<MimePart>(Assert.Single(mail.Attachments));
        Assert.Equal("to-khai-mau-01.pdf", attachment.FileName);
        using var content = new MemoryStream();
        await attachment.Content!.DecodeToAsync(content);
        Assert.StartsWith("%PDF-", Encoding.ASCII.GetString(content.ToArray(), 0, 5), StringComparison.Ordinal);
    }

    private sealed class CapturingStore(ConcurrentQueue<MimeMessage> mails) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
            System.Buffers.ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            await using var stream = new MemoryStream(System.Buffers.BuffersExtensions.ToArray(buffer));
            mails.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }
}
