using System.ComponentModel.DataAnnotations;
using JasperFx;
using Marten;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Marten;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.Time;
using VssId.BuildingBlocks.OpenApi;
using VssId.Modules.GuardianEnrollment.Contracts;
using VssId.Modules.Reference.Contracts;
using VssId.Modules.Registration.Domain;
using VssId.Modules.Registration.ReadModels;

namespace VssId.Modules.Registration.Features.SubmitApplication;

public sealed record SubmitApplicationRequest([property: Required, MaxLength(10)] string? OfficeCode, bool SendDeclarationByEmail);

public sealed record SubmitApplicationResponse([property: AllowedValues(ApplicationStatus.Submitted)] string Status, string ApplicationNumber);

public sealed record SubmitApplication(Guid Id, string? Token, long? IfMatch, SubmitApplicationRequest Request) : ICommand<SubmitApplicationResponse>;

/// <summary>
/// "Gửi": needs a verified phone, the three photos and an office of the catalog. The race between
/// several drafts of one mã số BHXH is decided in the database: the index row of the application turns
/// "open" in the transaction of its Submitted event, under a unique index on the code, so exactly one
/// draft wins and the others get 409.
/// </summary>
public sealed class SubmitApplicationHandler(IDocumentSession session, IOfficeCatalog offices, IAddressCatalog addresses,
    NpgsqlDataSource dataSource, IOpenEnrollments enrollments, TimeProvider time) : ICommandHandler<SubmitApplication, SubmitApplicationResponse>
{
    public async ValueTask<SubmitApplicationResponse> Handle(SubmitApplication command, CancellationToken cancellationToken)
    {
        var stream = await ApplicationAccess.LoadForWriting(session, command.Id, command.Token, command.IfMatch, time, cancellationToken);
        var application = stream.Aggregate!;
        var now = time.GetUtcNow();
        var today = VietnamTime.DateOf(now);
        var officeCode = command.Request.OfficeCode?.Trim() ?? "";
        var errors = new FieldErrors();
        var office = offices.FindActive(officeCode, today);
        if (office is null)
        {
            errors.Add("officeCode", RegistrationProblems.OfficeUnknown);
        }
        if (command.Request.SendDeclarationByEmail && application.Declaration.Email is null)
        {
            errors.Add("sendDeclarationByEmail", RegistrationProblems.EmailRequired);
        }
        errors.ThrowIfAny();

        // A draft started before its code got an account must not reach an office.
        if (await AccountCodes.Has(dataSource, application.BhxhCode, cancellationToken))
        {
            throw new ProblemException(RegistrationProblems.AccountExists);
        }
        // Nor one for a child a guardian's enrolment already put in an office's hands.
        if (await enrollments.HasOpenSubmission(application.BhxhCode, cancellationToken))
        {
            throw new ProblemException(RegistrationProblems.ApplicationOpen);
        }

        var number = $"{office!.Code}-{today:yyyyMMdd}-{await SqlSequences.Next(dataSource, "registration.application_number_seq", cancellationToken):D6}";
        var (addressLine, provinceName) = Describe(application.Declaration.Address);
        stream.AppendOne(application.Submit(office.Code, number, command.Request.SendDeclarationByEmail, now, addressLine, provinceName));
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (Exception ex) when (ex.FindPostgresError() is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: ApplicationIndex.OpenSubmissionIndex })
        {
            throw new ProblemException(RegistrationProblems.ApplicationOpen);
        }
        return new SubmitApplicationResponse(ApplicationStatus.Submitted, number);
    }


    private (string Line, string Province) Describe(Address address)
    {
        var resolved = addresses.Resolve(new AddressCodes(address.Catalog, address.ProvinceCode, address.DistrictCode, address.WardCode)).Address;
        if (resolved is null)
        {
            return (address.Street, "");
        }
        var parts = new[] { address.Street, resolved.WardFullName, resolved.DistrictFullName, resolved.ProvinceFullName }.Where(p => !string.IsNullOrEmpty(p));
        var province = resolved.ProvinceFullName.Replace("Thành phố ", "", StringComparison.Ordinal).Replace("Tỉnh ", "", StringComparison.Ordinal);
        return (string.Join(", ", parts), province);
    }
}

internal sealed class SubmitApplicationEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapPost("/registrations/{id:guid}/submit", async (Guid id, SubmitApplicationRequest request, ISender sender, HttpContext http, CancellationToken ct) =>
                TypedResults.Accepted($"/api/v1/registrations/{id}",
                    await sender.Send(new SubmitApplication(id, ApplicationAccess.Bearer(http.Request), ApplicationAccess.IfMatch(http.Request), request), ct)))
            .WithName("SubmitApplication")
            .WithBearerToken()
            .WithSummary("Gửi hồ sơ · Submit the application")
            .WithDescription("Cần số điện thoại đã xác thực, đủ 3 ảnh và mã cơ quan BHXH trong danh mục (`GET /api/v1/reference/offices`). "
                + "409 nêu bước còn thiếu (`registration.phone_not_verified`, `registration.documents_missing`) , `registration.application_open` hoặc `registration.account_exists` (mã số đã có tài khoản). "
                + "Sau khi gửi: SMS xác nhận có số hồ sơ; nếu `sendDeclarationByEmail`, tờ khai Mẫu 01 được gửi qua email.")
            .Accepts<SubmitApplicationRequest>("application/json")
            .Produces<SubmitApplicationResponse>(StatusCodes.Status202Accepted)
            .ProducesProblems(CommonProblems.Validation, CommonProblems.NotFound, RegistrationProblems.PhoneNotVerified, RegistrationProblems.DocumentsMissing,
                RegistrationProblems.ApplicationOpen, RegistrationProblems.AccountExists, RegistrationProblems.NotEditable, CommonProblems.Conflict,
                RegistrationProblems.PreconditionFailed)
            .WithRequestExample(new SubmitApplicationRequest("00123", true))
            .WithResponseExample(StatusCodes.Status202Accepted, new SubmitApplicationResponse(ApplicationStatus.Submitted, "00123-20261125-000042"));
}
