using VssId.BuildingBlocks.Identifiers;
using System.Globalization;
using VssId.BuildingBlocks.IntegrationEvents;
using VssId.BuildingBlocks.Time;
using VssId.Modules.Notifications.Contracts;
using VssId.Modules.Reference.Contracts;
using VssId.Modules.Registration.Contracts;
using VssId.Modules.Registration.Features;

namespace VssId.Modules.Registration.Integration;

/// <summary>
/// The applicant's side of a submission: the receipt SMS with the application number, the Mẫu 01, and
/// the email with it when asked. Every id is derived from the event, so a redelivery is a no-op.
/// </summary>
internal sealed class OnApplicationSubmitted(IMessageSender messages, IDeclarationForms forms, IOfficeCatalog offices, TimeProvider time)
    : IIntegrationEventHandler<ApplicationSubmittedV1>
{
    public async Task Handle(ApplicationSubmittedV1 submitted, IntegrationEventContext context, CancellationToken cancellationToken)
    {
        var officeName = offices.FindActive(submitted.OfficeCode, VietnamTime.DateOf(time.GetUtcNow()))?.Name ?? submitted.OfficeCode;
        await messages.SendSms(new SmsRequest(DerivedId.From(context.EventId, "receipt-sms"), submitted.Phone, MessageTemplates.ApplicationReceived,
            new Dictionary<string, string> { ["applicationNumber"] = submitted.ApplicationNumber, ["officeName"] = officeName }, [submitted.BhxhCode]),
            cancellationToken);

        var documentId = DerivedForms.DeclarationForm(submitted.ApplicationId, submitted.ApplicationNumber);
        var submittedOn = VietnamTime.DateOf(submitted.SubmittedAt);
        await forms.Request(new DeclarationFormV1(documentId, DeclarationFormKinds.Adult, submitted.ApplicationNumber, submittedOn, officeName,
            submitted.ProvinceName,
            new DeclarantV1(submitted.FullName, submitted.DateOfBirth, submitted.Gender, submitted.BhxhCode, submitted.IdentityDocumentType,
                submitted.IdentityNumber, submitted.AddressLine),
            null, submitted.Phone, submitted.Email), cancellationToken);

        if (submitted.DeclarationByEmail && submitted.Email is not null)
        {
            await messages.SendEmail(new EmailRequest(DerivedId.From(context.EventId, "declaration-email"), submitted.Email, MessageTemplates.DeclarationEmail,
                new Dictionary<string, string>
                {
                    ["fullName"] = submitted.FullName,
                    ["applicationNumber"] = submitted.ApplicationNumber,
                    ["officeName"] = officeName,
                },
                [new EmailAttachmentRef(documentId, $"to-khai-mau-01-{submitted.ApplicationNumber.ToString(CultureInfo.InvariantCulture)}.pdf")], [submitted.BhxhCode]),
                cancellationToken);
        }
    }
}
