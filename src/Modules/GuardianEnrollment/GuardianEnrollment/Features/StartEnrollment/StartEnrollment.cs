using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Marten;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Formats;
using VssId.BuildingBlocks.Marten;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.BuildingBlocks.Security;
using VssId.BuildingBlocks.Time;
using VssId.Modules.Credentials.Contracts;
using VssId.Modules.GuardianEnrollment.Captcha;
using VssId.Modules.GuardianEnrollment.Domain;
using VssId.Modules.GuardianEnrollment.ReadModels;
using VssId.Modules.Reference.Contracts;
using VssId.Modules.Registration.Contracts;

namespace VssId.Modules.GuardianEnrollment.Features.StartEnrollment;

/// <summary>The child: no CCCD (a child who has one registers through the adult flow; send it and the answer says so).</summary>
public sealed record ChildRequest(
    [property: Required, RegularExpression(ContractFormats.BhxhCodeInput)] string? BhxhCode,
    [property: Required, MinLength(2), MaxLength(100)] string? FullName,
    [property: Required] DateOnly? DateOfBirth,
    [property: Required, AllowedValues(ContractFormats.Male, ContractFormats.Female)] string? Gender,
    [property: MaxLength(20)] string? IdentityNumber);

/// <summary>A contact address coded against a catalog, as for adults; omitted, the guardian's address is used.</summary>
public sealed record ChildAddressRequest(
    [property: AllowedValues(AddressCatalogs.Current, AddressCatalogs.Legacy)] string? Catalog,
    [property: Required, MaxLength(10)] string? ProvinceCode,
    [property: MaxLength(10)] string? DistrictCode,
    [property: Required, MaxLength(10)] string? WardCode,
    [property: Required, MinLength(1), MaxLength(200)] string? Street);

/// <summary>
/// The declaration of <c>api.md</c>. <c>captchaId</c> and <c>captchaAnswer</c> are required of a person's
/// interactive session; a citizen who logged in through a partner app (password grant with its client) skips them.
/// </summary>
public sealed record StartEnrollmentRequest(
    [property: Required] ChildRequest? Child,
    [property: Required, AllowedValues(Relationships.Father, Relationships.Mother, Relationships.Guardian)] string? Relationship,
    [property: Required, RegularExpression("^\\s*[0-9]{12}\\s*$")] string? GuardianIdNumber,
    // Left out of the example (and of any answer that echoes it) when not given.
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] ChildAddressRequest? Address,
    [property: Required, MaxLength(10)] string? OfficeCode,
    Guid? CaptchaId,
    [property: MaxLength(20)] string? CaptchaAnswer);

public sealed record StartEnrollmentResponse(Guid Id, [property: AllowedValues(EnrollmentStatus.Draft)] string Status);

public sealed record StartEnrollment(StartEnrollmentRequest Request, ClaimsPrincipal User) : ICommand<StartEnrollmentResponse>;

/// <summary>
/// Starts a draft enrolment. The declaration's format first (every field error at once); then the captcha, spent
/// before anything that could tell the caller about someone else (whether a code has an account or an
/// enrolment); then the guardian (active, their own CCCD) and the child's code; last, in the append's own
/// transaction, the checks on the enrolments themselves. Drafts of one child by two guardians do not block each
/// other: the race is decided at submission ("Ghi nhận").
/// </summary>
internal sealed class StartEnrollmentHandler(IDocumentSession session, ICitizenDirectory citizens, IOpenApplications applications,
    IAddressCatalog addresses, IOfficeCatalog offices, Captchas captchas, TimeProvider time) : ICommandHandler<StartEnrollment, StartEnrollmentResponse>
{
    internal const string ChildEnrolled = "VS409";
    internal const string TooManyChildren = "VS429";

    public async ValueTask<StartEnrollmentResponse> Handle(StartEnrollment command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var today = VietnamTime.DateOf(now);
        var request = command.Request;
        var errors = new FieldErrors();
        var child = ReadChild(request.Child, today, errors);
        var relationship = PersonFormats.Text(request.Relationship);
        if (relationship is null || !Relationships.All.Contains(relationship))
        {
            errors.Add("relationship", GuardianEnrollmentProblems.RelationshipInvalid);
        }
        var guardianIdNumber = PersonFormats.Text(request.GuardianIdNumber);
        if (!PersonFormats.IsTwelveDigits(guardianIdNumber))
        {
            errors.Add("guardianIdNumber", GuardianEnrollmentProblems.GuardianIdMismatch);
        }
        var declaredAddress = request.Address is null ? null : ReadAddress(request.Address, errors);
        var office = offices.FindActive(PersonFormats.Text(request.OfficeCode) ?? "", today);
        if (office is null)
        {
            errors.Add("officeCode", PersonFieldErrors.OfficeUnknown);
        }
        errors.ThrowIfAny();

        if (command.User.AuthorizedParty() is null)
        {
            await captchas.Verify(command.User.Subject(), request.CaptchaId, request.CaptchaAnswer, cancellationToken);
        }

        var guardianId = EnrollmentAccess.Guardian(command.User);
        var guardian = await citizens.Find(guardianId, cancellationToken);
        if (guardian is not { Active: true })
        {
            throw new ProblemException(GuardianEnrollmentProblems.GuardianNotActive);
        }
        if (guardian.IdentityNumber != guardianIdNumber)
        {
            throw new ValidationProblemException([("guardianIdNumber", GuardianEnrollmentProblems.GuardianIdMismatch)]);
        }
        var address = declaredAddress
            ?? (guardian.AddressLine is { Length: > 0 } line ? new ContactAddress(line, guardian.ProvinceName ?? "", true) : null)
            ?? throw new ValidationProblemException([("address", PersonFieldErrors.Required)]);
        if (await citizens.FindByBhxhCode(child!.BhxhCode, cancellationToken) is not null)
        {
            throw new ProblemException(GuardianEnrollmentProblems.ChildHasAccount);
        }
        if (await applications.HasOpenSubmission(child.BhxhCode, cancellationToken))
        {
            throw new ProblemException(GuardianEnrollmentProblems.ApplicationOpen);
        }

        var id = Guid.CreateVersion7();
        // The enrolment checks run in the append's transaction (SqlRefusals): the child is not in an office's
        // hands, this guardian has no draft of them already, and the guardian has fewer than 10 other children.
        // Two starts by one guardian at the same instant could both pass the count; the harm is an 11th child.
        session.QueueSqlCommand($"""
            INSERT INTO enrollment.start_guard (ok) SELECT false WHERE CASE
                WHEN EXISTS (SELECT 1 FROM {EnrollmentIndex.TableName} WHERE child_bhxh_code = ?
                    AND (open_submission OR (guardian_account = ? AND status IN ('{EnrollmentStatus.Draft}', '{EnrollmentStatus.AwaitingGuardianConsent}'))))
                    THEN enrollment.refuse('{ChildEnrolled}')
                WHEN (SELECT count(DISTINCT child_bhxh_code) FROM {EnrollmentIndex.TableName}
                    WHERE guardian_account = ? AND {EnrollmentIndex.CountsAsChild} AND child_bhxh_code <> ?) >= {Enrollment.MaxChildrenPerGuardian}
                    THEN enrollment.refuse('{TooManyChildren}')
                ELSE false END
            """, child.BhxhCode, guardianId, guardianId, child.BhxhCode);
        session.Events.StartStream<Enrollment>(id, new EnrollmentStarted(id, child,
            new Guardian(guardianId, guardian.BhxhCode, guardian.FullName, guardian.IdentityNumber!, guardian.Phone, guardian.Email),
            relationship!, address, office!.Code, EnrollmentOrigins.Guardian, now));
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (Exception ex) when (ex.FindPostgresError()?.SqlState is ChildEnrolled or TooManyChildren)
        {
            throw new ProblemException(ex.FindPostgresError()!.SqlState == ChildEnrolled
                ? GuardianEnrollmentProblems.ChildEnrolled
                : GuardianEnrollmentProblems.TooManyChildren);
        }
        return new StartEnrollmentResponse(id, EnrollmentStatus.Draft);
    }

    private static Child? ReadChild(ChildRequest? request, DateOnly today, FieldErrors errors)
    {
        if (request is null)
        {
            errors.Add("child", PersonFieldErrors.Required);
            return null;
        }
        var code = PersonFormats.BhxhCode(request.BhxhCode);
        if (code is null)
        {
            errors.Add("child.bhxhCode", PersonFieldErrors.BhxhCodeInvalid);
        }
        var name = PersonFormats.FullName(request.FullName);
        if (name is null)
        {
            errors.Add("child.fullName", PersonFieldErrors.FullNameInvalid);
        }
        if (request.DateOfBirth is not { } dateOfBirth || dateOfBirth.Year < 1900 || dateOfBirth > today)
        {
            errors.Add("child.dateOfBirth", PersonFieldErrors.DateOfBirthInvalid);
            dateOfBirth = default;
        }
        else if (Enrollment.AgeOn(dateOfBirth, today) >= Enrollment.AdultAge)
        {
            errors.Add("child.dateOfBirth", GuardianEnrollmentProblems.ChildAdult);
        }
        var gender = PersonFormats.Text(request.Gender);
        if (gender is not (ContractFormats.Male or ContractFormats.Female))
        {
            errors.Add("child.gender", PersonFieldErrors.GenderInvalid);
        }
        if (!string.IsNullOrWhiteSpace(request.IdentityNumber))
        {
            errors.Add("child.identityNumber", GuardianEnrollmentProblems.ChildHasCccd);
        }
        return code is null || name is null || gender is null ? null : new Child(code, name, dateOfBirth, gender);
    }

    private ContactAddress? ReadAddress(ChildAddressRequest request, FieldErrors errors)
    {
        var street = PersonFormats.Text(request.Street);
        if (street is not { Length: >= 1 and <= 200 })
        {
            errors.Add("address.street", PersonFieldErrors.StreetInvalid);
            street = null;
        }
        var district = PersonFormats.Text(request.DistrictCode);
        var resolution = addresses.Resolve(new AddressCodes(PersonFormats.Text(request.Catalog) ?? AddressCatalogs.Current,
            PersonFormats.Text(request.ProvinceCode) ?? "", string.IsNullOrEmpty(district) ? null : district, PersonFormats.Text(request.WardCode) ?? ""));
        if (resolution.Address is not { } a)
        {
            var (vi, en) = AddressErrorTexts.For(resolution.ErrorCode!);
            errors.Add($"address.{resolution.ErrorField}", new FieldError(resolution.ErrorCode!, new LocalizedText(vi, en)));
            return null;
        }
        return street is null ? null : new ContactAddress(
            string.Join(", ", new[] { street, a.WardFullName, a.DistrictFullName, a.ProvinceFullName }.Where(p => !string.IsNullOrEmpty(p))),
            a.ProvinceFullName.Replace("Thành phố ", "", StringComparison.Ordinal).Replace("Tỉnh ", "", StringComparison.Ordinal), false);
    }
}

internal sealed class StartEnrollmentEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapPost("v1/me/children", async (StartEnrollmentRequest request, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
            {
                var started = await sender.Send(new StartEnrollment(request, user), ct);
                return TypedResults.Created($"/api/v1/me/children/{started.Id}", started);
            })
            .WithName("StartEnrollment")
            .RequireAccess(AccessPolicies.Citizen)
            .WithSummary("Đăng ký cho trẻ (nháp) · Enrol a child (draft)")
            .WithDescription("Người giám hộ có tài khoản đang hoạt động khai báo trẻ chưa có CCCD, dưới 18 tuổi (theo giờ Việt Nam). "
                + "`guardianIdNumber` phải trùng CCCD của tài khoản; `address` bỏ trống thì dùng địa chỉ của người giám hộ; "
                + "`captchaId` + `captchaAnswer` lấy từ `GET /api/v1/captcha` (không cần khi đăng nhập qua ứng dụng đối tác). "
                + "400: trường sai, trẻ từ 18 tuổi (`enrollment.child_adult`), trẻ đã có CCCD (`enrollment.child_has_cccd`), CCCD người giám hộ không khớp "
                + "(`enrollment.guardian_id_mismatch`), mã kiểm tra sai/đã dùng (`captcha.invalid`) hoặc hết hạn (`captcha.expired`). "
                + "409: mã số của trẻ đã có tài khoản, đã có hồ sơ đang xử lý, hoặc người giám hộ đã có 10 trẻ (hồ sơ bị từ chối hoặc hết hạn không tính). "
                + "Hồ sơ nháp, hoặc cần bổ sung, không có hoạt động trong 30 ngày thì hết hạn (`Expired`): ảnh chưa nộp bị xoá và có thể khai báo lại trẻ.")
            .Accepts<StartEnrollmentRequest>("application/json")
            .Produces<StartEnrollmentResponse>(StatusCodes.Status201Created)
            .ProducesProblems(CommonProblems.Validation, GuardianEnrollmentProblems.CaptchaInvalid, GuardianEnrollmentProblems.CaptchaExpired,
                GuardianEnrollmentProblems.GuardianNotActive, GuardianEnrollmentProblems.ChildHasAccount, GuardianEnrollmentProblems.ChildEnrolled,
                GuardianEnrollmentProblems.ApplicationOpen, GuardianEnrollmentProblems.TooManyChildren)
            .WithRequestExample(new StartEnrollmentRequest(new ChildRequest("0116004321", "Nguyễn Minh Khôi", new DateOnly(2016, 9, 5), "Nam", null),
                Relationships.Father, "001090001234", null, "00131", Guid.Parse("0193a6b2-7c1e-7d2a-9f1b-3c4d5e6f7a8b"), "K7M3X"))
            .WithResponseExample(StatusCodes.Status201Created, new StartEnrollmentResponse(Guid.Parse("0193a6b2-8d4e-7f10-a2b3-c4d5e6f70812"), EnrollmentStatus.Draft));
}
