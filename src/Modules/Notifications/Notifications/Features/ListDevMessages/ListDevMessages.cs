using System.Text.Json;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;

namespace VssId.Modules.Notifications.Features.ListDevMessages;

public sealed record DevAttachment(string FileName);

public sealed record DevMessage(Guid Id, [property: System.ComponentModel.DataAnnotations.AllowedValues("sms", "email")] string Channel, string To, string? Subject, string Body, IReadOnlyList<DevAttachment> Attachments,
    DateTimeOffset CreatedAt);

public sealed record ListDevMessages(string? To) : IQuery<IReadOnlyList<DevMessage>>;

/// <summary>The newest 100 messages the <c>outbox</c> provider "sent", for one recipient or all.</summary>
public sealed class ListDevMessagesHandler(NpgsqlDataSource dataSource) : IQueryHandler<ListDevMessages, IReadOnlyList<DevMessage>>
{
    public async ValueTask<IReadOnlyList<DevMessage>> Handle(ListDevMessages query, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = new NpgsqlCommand("""
            SELECT id, channel, to_address, subject, body, attachments::text, created_at FROM notifications.outbox
            WHERE $1::text IS NULL OR to_address = $1 ORDER BY created_at DESC, id LIMIT 100
            """, connection) { Parameters = { new() { Value = (object?)query.To?.Trim() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text } } };
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var messages = new List<DevMessage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var attachments = JsonSerializer.Deserialize<List<JsonElement>>(reader.GetString(5))!
                .Select(a => new DevAttachment(a.GetProperty("fileName").GetString()!)).ToArray();
            messages.Add(new DevMessage(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetString(4), attachments, reader.GetFieldValue<DateTimeOffset>(6)));
        }
        return messages;
    }
}

/// <summary>
/// The development outbox: what the <c>outbox</c> provider "sent", newest first, so a person in Swagger UI
/// can finish a registration without a phone and tests read an OTP as a user would. It shows OTPs by
/// design, so it is mapped only in the Development environment.
/// </summary>
internal sealed class ListDevMessagesEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group)
    {
        if (!group.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            return;
        }
        group.MapGet("/dev/messages", async (ISender sender, CancellationToken ct, string? to = null) =>
                TypedResults.Ok(await sender.Send(new ListDevMessages(to), ct)))
            .WithTags("Phát triển · Development")
            .WithName("ListDevMessages")
            .WithSummary("Hộp thư phát triển: SMS và email đã \"gửi\" · Development outbox (Development only)")
            .WithDescription("Chỉ có trong môi trường Development. SMS được lưu ở dạng không dấu đúng như gửi cho nhà mạng. "
                + "Development only: SMS as folded for the operator, emails with their attachments' names.")
            .WithParameter("to", "Số điện thoại (dạng 0xxxxxxxxx) hoặc email người nhận.", "0352153123")
            .Produces<DevMessage[]>(StatusCodes.Status200OK)
            .WithResponseExample(StatusCodes.Status200OK, new[]
            {
                new DevMessage(Guid.Parse("6f1c2a50-3a51-4c55-9d43-2f0f5b0e8c11"), "sms", "0352153123", null,
                    "VssID: Ma xac thuc cua ban la 482913. Hieu luc 5 phut. Khong chia se ma nay cho bat ky ai.", [],
                    new DateTimeOffset(2026, 11, 25, 7, 30, 0, TimeSpan.Zero)),
            });
    }
}
