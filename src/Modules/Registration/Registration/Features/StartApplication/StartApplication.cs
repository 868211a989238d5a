using System.ComponentModel.DataAnnotations;
using Marten;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Marten;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.Modules.Reference.Contracts;
using VssId.Modules.Registration.Domain;
using VssId.Modules.Registration.ReadModels;

namespace VssId.Modules.Registration.Features.StartApplication;

public sealed record StartApplicationResponse(Guid Id, string AccessToken, [property: AllowedValues(ApplicationStatus.Draft)] string Status, long Version);

public sealed record StartApplication(DeclarationRequest Request) : ICommand<StartApplicationResponse>;

/// <summary>
/// Starts a draft. Drafts for one mã số BHXH do not block each other (anyone can read a code off a
/// BHYT card; blocking would let them lock its owner out): only a submitted application does, or an
/// account for the code (its owner recovers the password instead). A phone holds at most 3 open drafts
/// that verified it; unverified drafts count toward nobody's limit (else three drafts naming a stranger's
/// phone would lock its owner out) and expire after 24 hours.
/// </summary>
public sealed class StartApplicationHandler(GroupCommit commits, IAddressCatalog catalog, VssId.BuildingBlocks.Privacy.PhoneDigests phones, TimeProvider time)
    : ICommandHandler<StartApplication, StartApplicationResponse>
{
    public async ValueTask<StartApplicationResponse> Handle(StartApplication command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var declaration = DeclarationInput.Normalise(command.Request, catalog, now);
        var consent = Consent(command.Request.Consent, now);
        var id = Guid.CreateVersion7();
        var (token, hash) = ApplicationAccess.NewToken(id);
        var phone = phones.Of(declaration.Phone);
        var started = new ApplicationStarted(id, declaration, hash, now, consent);
        try
        {
            // Saved with the other starts of the same moment, in one transaction (ADR 17). The checks run in
            // that transaction and round trip, as one plain statement (no procedural code unless one fails): an
            // INSERT that inserts nothing, so Marten reads no result set for it, and whose condition raises a
            // SQLSTATE naming the refusal. A start writes nothing they read (accounts, open submissions,
            // verified drafts), so the starts of one group cannot decide each other's checks.
            await commits.Save(session =>
            {
                session.QueueSqlCommand($"""
                    INSERT INTO registration.start_guard (ok) SELECT false WHERE CASE
                        WHEN EXISTS (SELECT 1 FROM {AccountCodes.TableName} WHERE bhxh_code = ?) THEN registration.refuse('{RegistrationModule.StartChecks.AccountExists}')
                        WHEN EXISTS (SELECT 1 FROM {ApplicationIndex.TableName} WHERE bhxh_code = ? AND open_submission) THEN registration.refuse('{RegistrationModule.StartChecks.ApplicationOpen}')
                        WHEN (SELECT count(*) FROM {ApplicationIndex.TableName} WHERE phone = ? AND {ApplicationIndex.VerifiedDraft}) >= {Application.MaxVerifiedDraftsPerPhone} THEN registration.refuse('{RegistrationModule.StartChecks.TooManyDrafts}')
                        ELSE false END
                    """, declaration.BhxhCode, declaration.BhxhCode, phone);
                session.Events.StartStream<Application>(id, started);
            }, cancellationToken);
        }
        catch (Exception ex) when (Refusal(ex.FindPostgresError()?.SqlState) is { } refusal)
        {
            throw new ProblemException(refusal);
        }
        return new StartApplicationResponse(id, token, ApplicationStatus.Draft, 1);
    }

    private static ProcessingConsent Consent(ConsentRequest? request, DateTimeOffset now)
    {
        var version = request?.TextVersion?.Trim() is { Length: > 0 } v ? v : ConsentText.Current;
        var channel = request?.Channel?.Trim() is { Length: > 0 } c ? c : "api";
        var errors = new FieldErrors();
        if (!ConsentText.Versions.ContainsKey(version))
        {
            errors.Add("consent.textVersion", ConsentVersionUnknown);
        }
        if (!ConsentText.Channels.Contains(channel))
        {
            errors.Add("consent.channel", ConsentChannelUnknown);
        }
        errors.ThrowIfAny();
        return new ProcessingConsent(version, channel, now);
    }

    private static readonly FieldError ConsentVersionUnknown = new("consent.text_version_unknown",
        new($"Phiên bản văn bản đồng ý không tồn tại; phiên bản hiện hành: {ConsentText.Current}.", $"Unknown consent text version; the current one is {ConsentText.Current}."));

    private static readonly FieldError ConsentChannelUnknown = new("consent.channel_unknown",
        new("Kênh là một trong: app, web, kiosk, api.", "The channel is one of: app, web, kiosk, api."));

    private static ProblemType? Refusal(string? sqlState) => sqlState switch
    {
        RegistrationModule.StartChecks.AccountExists => RegistrationProblems.AccountExists,
        RegistrationModule.StartChecks.ApplicationOpen => RegistrationProblems.ApplicationOpen,
        RegistrationModule.StartChecks.TooManyDrafts => RegistrationProblems.TooManyDrafts,
        _ => null,
    };
}

internal sealed class StartApplicationEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapPost("/registrations", async (DeclarationRequest request, ISender sender, HttpContext http, CancellationToken ct) =>
            {
                var started = await sender.Send(new StartApplication(request), ct);
                http.Response.Headers.ETag = ApplicationAccess.ETag(started.Version);
                return TypedResults.Created($"/api/v1/registrations/{started.Id}", started);
            })
            .WithName("StartApplication")
            .RequireRateLimiting(RegistrationModule.StartRateLimit)
            .WithSummary("Tạo hồ sơ đăng ký (nháp) · Start an application (draft)")
            .WithDescription("Trả về `id` và `accessToken` (chỉ hiển thị một lần): dùng `Authorization: Bearer {accessToken}` cho mọi thao tác trên hồ sơ này. "
                + "Địa chỉ theo danh mục `2025` (mặc định) hoặc `legacy`. Số điện thoại chấp nhận `+84…`, `84…`, `0…`, khoảng trắng và dấu chấm. "
                + "409 `registration.account_exists`: mã số BHXH đã có tài khoản (dùng \"Quên mật khẩu\"); 409 `registration.application_open`: đã có hồ sơ đang xử lý; "
                + "429 `registration.too_many_drafts`: số điện thoại đã được xác thực cho 3 hồ sơ nháp đang mở (nháp chưa xác thực không tính và hết hạn sau 24 giờ).")
            .Accepts<DeclarationRequest>("application/json")
            .Produces<StartApplicationResponse>(StatusCodes.Status201Created)
            .ProducesProblems(CommonProblems.Validation, RegistrationProblems.AccountExists, RegistrationProblems.ApplicationOpen, RegistrationProblems.TooManyDrafts)
            .WithRequestExample(RegistrationExamples.Declaration)
            .WithResponseExample(StatusCodes.Status201Created, new StartApplicationResponse(Guid.Parse("0b6f4f8e-2a1c-4c1e-9a53-6f1a2d9c7e11"),
                "k3J9dQ2v8xR0mZ4tL7pW1sY6uA5bC2eF9gH3iJ0kL8o", ApplicationStatus.Draft, 1));
}
