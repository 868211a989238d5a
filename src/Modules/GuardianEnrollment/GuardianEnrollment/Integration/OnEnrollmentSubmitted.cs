using VssId.BuildingBlocks.Identifiers;
using VssId.BuildingBlocks.IntegrationEvents;
using VssId.BuildingBlocks.Time;
using VssId.Modules.GuardianEnrollment.Contracts;
using VssId.Modules.GuardianEnrollment.Domain;
using VssId.Modules.GuardianEnrollment.Features;
using VssId.Modules.Notifications.Contracts;
using VssId.Modules.Reference.Contracts;

namespace VssId.Modules.GuardianEnrollment.Integration;

/// <summary>
/// The guardian's side of "Ghi nhận": the receipt SMS with the number, and the child's Mẫu 01 (rendered by a
/// job). Both ids derive from the submission, so a redelivered event, or a host that stopped between the two,
/// ends with one SMS and one form.
/// </summary>
internal sealed class OnEnrollmentSubmitted(IMessageSender messages, IDeclarationForms forms, IOfficeCatalog offices, TimeProvider time)
    : IIntegrationEventHandler<ChildEnrollmentSubmittedV1>
{
    public async Task Handle(ChildEnrollmentSubmittedV1 submitted, IntegrationEventContext context, CancellationToken cancellationToken)
    {
        var officeName = offices.FindActive(submitted.OfficeCode, VietnamTime.DateOf(time.GetUtcNow()))?.Name ?? submitted.OfficeCode;
        var g = submitted.Guardian;
        await forms.Request(new DeclarationFormV1(EnrollmentForms.DocumentId(submitted.EnrollmentId, submitted.ApplicationNumber), DeclarationFormKinds.Child,
            submitted.ApplicationNumber, VietnamTime.DateOf(submitted.SubmittedAt), officeName, submitted.ProvinceName,
            new DeclarantV1(submitted.FullName, submitted.DateOfBirth, submitted.Gender, submitted.BhxhCode, null, null, submitted.AddressLine),
            new GuardianV1(g.FullName, g.BhxhCode, g.IdentityNumber, Relationships.InVietnamese(g.Relationship), g.Phone), g.Phone, g.Email), cancellationToken);
        await messages.SendSms(new SmsRequest(DerivedId.From(submitted.EnrollmentId, "enrollment-receipt:" + submitted.ApplicationNumber), g.Phone,
            MessageTemplates.EnrollmentReceived,
            new Dictionary<string, string> { ["applicationNumber"] = submitted.ApplicationNumber, ["officeName"] = officeName }, [g.BhxhCode, submitted.BhxhCode]),
            cancellationToken);
    }
}
