using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VssId.Tests.Infrastructure;

namespace VssId.Tests.Registration;

public sealed class LoggedFixture : VssIdFixture
{
    public CapturedLogs Logs { get; } = new();

    protected override VssIdAppOptions Options => new()
    {
        Services = services => services.AddSingleton<ILoggerProvider>(Logs),
        Settings = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Debug" },
    };
}

/// <summary>Identity numbers, phones and OTPs never reach a log line, not even when a write fails.</summary>
public sealed class PersonalDataInLogsTests(LoggedFixture fixture) : IClassFixture<LoggedFixture>
{
    [Fact]
    public async Task A_lost_submission_race_and_a_full_registration_log_no_personal_data()
    {
        var api = new RegistrationClient(fixture.App.CreateClient());
        var code = RegistrationClient.NewCode();
        var phones = new[] { RegistrationClient.NewPhone(), RegistrationClient.NewPhone() };
        var drafts = new List<(Guid Id, string Token)>();
        foreach (var phone in phones)
        {
            drafts.Add(await api.Ready(code, phone));
        }
        // The loser's insert of the open-submission row fails inside Marten: the classic place where a
        // failed command's parameters (the declaration) would be logged.
        var answers = await Task.WhenAll(drafts.Select(d => api.Submit(d.Id, d.Token)));
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.Conflict);
        await Eventually.True(() => Task.FromResult(fixture.Logs.Lines.Any(l => l.Contains("Sent sms", StringComparison.Ordinal))), because: "messages were sent");

        Assert.NotEmpty(fixture.Logs.Lines);
        foreach (var secret in new[] { code, "001090001234", phones[0], phones[1], "an.nguyen@example.vn", "Nguyễn Văn An" })
        {
            Assert.DoesNotContain(fixture.Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
        }
    }
}

/// <summary>The Marten logger the store uses never writes command parameters.</summary>
public sealed class MartenLoggerTests(LoggedFixture fixture) : IClassFixture<LoggedFixture>
{
    [Fact]
    public void The_store_logs_through_the_parameter_free_logger()
    {
        var store = (Marten.DocumentStore)fixture.App.Services.GetRequiredService<Marten.IDocumentStore>();
        Assert.IsType<VssId.BuildingBlocks.Marten.ParameterFreeMartenLogger>(store.Options.Logger());
    }

    [Fact]
    public void A_failed_command_is_logged_without_its_parameters()
    {
        var logs = new CapturedLogs();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var logger = new VssId.BuildingBlocks.Marten.ParameterFreeMartenLogger(factory.CreateLogger<VssId.BuildingBlocks.Marten.ParameterFreeMartenLogger>());
        using var command = new Npgsql.NpgsqlCommand("insert into registration.application_index (id, bhxh_code, phone) values ($1, $2, $3)")
        {
            Parameters = { new() { Value = Guid.NewGuid() }, new() { Value = "0120169123" }, new() { Value = "0352153123" } },
        };
        logger.LogFailure(command, new InvalidOperationException("boom"));
        var line = Assert.Single(logs.Lines);
        Assert.Contains("registration.application_index", line, StringComparison.Ordinal);
        Assert.DoesNotContain("0120169123", line, StringComparison.Ordinal);
        Assert.DoesNotContain("0352153123", line, StringComparison.Ordinal);
    }
}
