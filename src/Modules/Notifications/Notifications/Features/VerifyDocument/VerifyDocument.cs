using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Http;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.Modules.Notifications.Documents;

namespace VssId.Modules.Notifications.Features.VerifyDocument;

/// <summary>
/// What scanning a Mẫu 01 QR tells anyone: whether the form is authentic and, if so, what it is.
/// Every token that is not authentic — forged, truncated, garbage, or for a form that does not exist —
/// gets the same 200 "not authentic" answer, so the endpoint is no oracle.
/// </summary>
public sealed record DocumentVerification(
    bool Authentic,
    string Message,
    [property: System.ComponentModel.DataAnnotations.AllowedValues("adult", "child", null)] string? Kind,
    string? ApplicationNumber,
    DateOnly? SubmittedOn,
    string? OfficeName,
    string? DeclarantName,
    string? IdentityNumberMasked);

public sealed record VerifyDocument(string? Token, string Language) : IQuery<DocumentVerification>;

public sealed class VerifyDocumentHandler(DocumentToken tokens, NpgsqlDataSource dataSource, VssId.BuildingBlocks.Privacy.PersonKeys people)
    : IQueryHandler<VerifyDocument, DocumentVerification>
{
    internal static readonly LocalizedText AuthenticText = new("Tờ khai hợp lệ, do hệ thống VssID phát hành.", "Authentic: this form was issued by VssID.");

    private static readonly LocalizedText NotAuthenticText = new("Không xác thực được: mã không hợp lệ hoặc tờ khai không do VssID phát hành.",
        "Not authentic: the code is invalid or the form was not issued by VssID.");

    public async ValueTask<DocumentVerification> Handle(VerifyDocument query, CancellationToken cancellationToken)
    {
        if (tokens.Read(query.Token) is { } id)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var select = new NpgsqlCommand("""
                SELECT kind, application_number, submitted_on, office_name, declarant_name, identity_masked, content
                FROM notifications.documents WHERE id = $1 AND status = 'Ready'
                """, connection) { Parameters = { new() { Value = id } } };
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            // The form of an erased person verifies as nothing: its name is not shown to whoever holds the QR.
            if (await reader.ReadAsync(cancellationToken) && await people.CanOpen((byte[])reader[6], cancellationToken))
            {
                return new DocumentVerification(true, AuthenticText.In(query.Language), reader.GetString(0), reader.GetString(1),
                    reader.GetFieldValue<DateOnly>(2), reader.GetString(3), reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5));
            }
        }
        return new DocumentVerification(false, NotAuthenticText.In(query.Language), null, null, null, null, null, null);
    }
}

internal sealed class VerifyDocumentEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/v1/documents/verify", async (HttpRequest request, ISender sender, CancellationToken ct, string? token = null) =>
                TypedResults.Ok(await sender.Send(new VerifyDocument(token, Language.FromAcceptLanguage(request.Headers.AcceptLanguage)), ct)))
            .WithTags(NotificationsModule.Tag)
            .WithName("VerifyDocument")
            .RequireRateLimiting(RateLimits.PublicPerAddress)
            .WithSummary("Kiểm tra tính xác thực của Mẫu 01 · Verify a Mẫu 01 form")
            .WithDescription("Mã `token` lấy từ mã QR in trên tờ khai. Luôn trả 200: `authentic: false` cho mọi mã giả, cắt cụt hoặc không tồn tại. "
                + "Always 200: `authentic: false` for any forged, truncated or unknown token.")
            .WithParameter("token", "Mã trong QR của tờ khai (43 ký tự base64url).", "q1v2Fh3sQ0-3lCk5Xh8y0QvN2o3c2l4a3m9pLmV4YW1w")
            .Produces<DocumentVerification>(StatusCodes.Status200OK)
            .WithResponseExample(StatusCodes.Status200OK, new DocumentVerification(true, VerifyDocumentHandler.AuthenticText.Vi, "adult", "00123-20261125-000042",
                new DateOnly(2026, 11, 25), "BHXH Huyện Chương Mỹ", "Nguyễn Văn An", "079******234"));
}
