using System.ComponentModel.DataAnnotations;
using Marten;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Formats;
using VssId.BuildingBlocks.Http;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.Modules.GuardianEnrollment.Consent;
using VssId.Modules.GuardianEnrollment.Domain;
using VssId.Modules.GuardianEnrollment.ReadModels;

namespace VssId.Modules.GuardianEnrollment.Features.ConfirmConsent;

public sealed record ConfirmConsentRequest(
    [property: Required, MaxLength(20)] string? Phone,
    [property: Required, RegularExpression("^\\s*[0-9]{8}\\s*$")] string? Code);

public sealed record ConfirmConsent(ConfirmConsentRequest Request) : ICommand;

/// <summary>
/// A guardian without an account consents with the code of the consent SMS. The guardian is who the school's row
/// named, reached at that mobile: the pair (mobile, code) finds the enrolment among those waiting at that mobile,
/// so nobody else's is touched and the answer never says whether a mobile has any. Wrong codes count per mobile.
/// </summary>
internal sealed class ConfirmConsentHandler(IDocumentSession session, NpgsqlDataSource database, ConsentCodes codes, EnrollmentConsent consent,
    VssId.BuildingBlocks.Privacy.PhoneDigests phones, TimeProvider time)
    : ICommandHandler<ConfirmConsent>
{
    public async ValueTask<Unit> Handle(ConfirmConsent command, CancellationToken cancellationToken)
    {
        var phone = PersonFormats.Mobile(command.Request.Phone);
        var code = PersonFormats.Text(command.Request.Code) ?? "";
        if (phone is null || code.Length != ConsentCodes.Length || !code.All(char.IsAsciiDigit))
        {
            throw new ProblemException(GuardianEnrollmentProblems.ConsentCodeInvalid);
        }
        if (await codes.Exhausted(phone, cancellationToken))
        {
            throw new ProblemException(GuardianEnrollmentProblems.ConsentTooManyAttempts);
        }
        var waiting = (await EnrollmentIndex.WaitingAtPhone(database, phones.Of(phone), cancellationToken)).Where(w => codes.Matches(w.Id, code)).Select(w => (Guid?)w.Id)
            .FirstOrDefault();
        if (waiting is not { } id)
        {
            await codes.RecordFailure(phone, cancellationToken);
            throw new ProblemException(GuardianEnrollmentProblems.ConsentCodeInvalid);
        }
        var stream = await session.Events.FetchForWriting<Enrollment>(id, cancellationToken);
        if (stream.Aggregate!.Status == EnrollmentStatus.Expired || stream.Aggregate.Expire(time.GetUtcNow()) is not null)
        {
            throw new ProblemException(GuardianEnrollmentProblems.ConsentCodeExpired);
        }
        await consent.Give(stream, ConsentChannels.Sms, cancellationToken);
        return Unit.Value;
    }
}

internal sealed class ConfirmConsentEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapPost("v1/consents/confirm", async (ConfirmConsentRequest request, ISender sender, CancellationToken ct) =>
            {
                await sender.Send(new ConfirmConsent(request), ct);
                return TypedResults.NoContent();
            })
            .WithName("ConfirmEnrollmentConsent")
            .AllowAnonymous()
            .RequireRateLimiting(RateLimits.PublicPerAddress)
            .WithSummary("Xác nhận đồng ý bằng mã trong SMS · Confirm consent with the SMS code")
            .WithDescription("Dành cho người giám hộ chưa có tài khoản: số điện thoại mà nhà trường khai và mã 8 chữ số trong tin nhắn. "
                + "204: hồ sơ của trẻ được ghi nhận (Submitted). 400 `otp.invalid` (sai mã hoặc sai số), `otp.expired` (quá 30 ngày); "
                + "429 sau 10 lần sai trong 24 giờ với một số điện thoại, hoặc quá nhiều yêu cầu từ một địa chỉ.")
            .Accepts<ConfirmConsentRequest>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblems(CommonProblems.Validation, GuardianEnrollmentProblems.ConsentCodeInvalid, GuardianEnrollmentProblems.ConsentCodeExpired,
                GuardianEnrollmentProblems.ConsentTooManyAttempts, GuardianEnrollmentProblems.ChildEnrolled, GuardianEnrollmentProblems.ChildHasAccount,
                GuardianEnrollmentProblems.ApplicationOpen, GuardianEnrollmentProblems.OfficeClosed, CommonProblems.Conflict)
            .WithRequestExample(new ConfirmConsentRequest("0912345678", "48291375"));
}
