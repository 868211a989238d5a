using System.ComponentModel.DataAnnotations;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.BuildingBlocks.Privacy;
using VssId.BuildingBlocks.Security;
using VssId.BuildingBlocks.Transactions;
using VssId.Modules.Credentials.Audit;

namespace VssId.Modules.Credentials.Features.ErasePerson;

public sealed record ErasureResponse([property: RegularExpression(ContractFormats.BhxhCode)] string BhxhCode, int KeysShredded, DateTimeOffset ErasedAt);

public sealed record ErasePerson(string BhxhCode, string By) : ICommand<ErasureResponse>;

/// <summary>
/// Erasure by crypto-shredding (issue 13 item 12): the person's data keys are deleted, so their photos, Mẫu 01 forms and
/// the personal fields of every event and account document — wherever copies lie, backups included — can never be
/// opened again; the record that it was done (who, when, whom)
/// goes to the audit trail; the modules blank what their list indexes keep of the person (<see cref="PersonErased"/>).
/// All of it commits in one transaction (the modules' handlers write through the process's one data source, which
/// enlists them on one connection): an erasure that fails or whose process dies midway leaves nothing shredded and
/// nothing blanked, and is simply asked again. Running it again shreds nothing more, blanks again and is recorded again.
/// </summary>
public sealed class ErasePersonHandler(PersonKeys people, AuditTrail audit, IPublisher publisher, TimeProvider time) : ICommandHandler<ErasePerson, ErasureResponse>
{
    public async ValueTask<ErasureResponse> Handle(ErasePerson command, CancellationToken cancellationToken)
    {
        if (command.BhxhCode is not { Length: 10 } code || !code.All(char.IsAsciiDigit))
        {
            throw new ValidationProblemException([("bhxhCode", CredentialsProblems.BhxhCodeInvalid)]);
        }
        IReadOnlyList<Guid> shredded;
        using (var transaction = AmbientTransaction.Begin())
        {
            shredded = await people.Shred(code, cancellationToken);
            await publisher.Publish(new PersonErased(code), cancellationToken);
            await audit.Record(new AuditEntry(command.By, AuditActions.PersonErased, code, true, null, null, $"{shredded.Count} keys"), cancellationToken);
            transaction.Complete();
        }
        people.Forget(code, shredded);
        return new ErasureResponse(code, shredded.Count, time.GetUtcNow());
    }
}

internal sealed class ErasePersonEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapPost("/admin/people/{bhxhCode}/erasure", async (string bhxhCode, HttpContext http, ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await sender.Send(new ErasePerson(bhxhCode, http.Actor()), ct)))
            .WithName("ErasePerson")
            .WithTags(CredentialsModule.AdminTag)
            .RequireAccess(AccessPolicies.Admin)
            .WithSummary("Xóa dữ liệu cá nhân (hủy khóa) · Erase a person's data (crypto-shredding)")
            .WithDescription("Xóa khóa dữ liệu của người có mã số BHXH này: ảnh, tờ khai Mẫu 01 và các trường cá nhân trong hồ sơ đã lưu "
                + "(họ tên, ngày sinh, số giấy tờ, số điện thoại, email, địa chỉ) — kể cả bản sao lưu — không bao giờ mở được nữa; "
                + "các danh sách (hàng đợi của cơ quan, danh sách lớp) không còn hiển thị tên. Việc xóa được ghi vào nhật ký kiểm toán (`person.erased`). "
                + "Không hoàn tác được. Gọi lại: không hủy thêm gì, vẫn được ghi. · Shreds the person's keys: photos, forms and the personal fields "
                + "of stored events become unreadable everywhere, backups included.")
            .WithParameter("bhxhCode", "Mã số BHXH · BHXH code", "0120169123")
            .WithResponseExample(StatusCodes.Status200OK, new ErasureResponse("0120169123", 1, new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.FromHours(7))))
            .ProducesProblems(CommonProblems.Validation);
}
