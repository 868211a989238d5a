using VssId.BuildingBlocks.Identifiers;
using VssId.BuildingBlocks.IntegrationEvents;
using VssId.Modules.GuardianEnrollment.Consent;
using VssId.Modules.GuardianEnrollment.Contracts;
using VssId.Modules.GuardianEnrollment.Domain;
using VssId.Modules.Notifications.Contracts;

namespace VssId.Modules.GuardianEnrollment.Integration;

/// <summary>
/// The consent SMS of a school's enrolment: one per enrolment, whatever happens. It follows from the committed
/// event (a host that stops after answering the roster sends it on restart), its id is the enrolment's and its
/// code is derived from it, so a redelivery neither sends a second SMS nor a different code. A roster sent again
/// creates no enrolment, hence no SMS.
/// </summary>
internal sealed class OnAwaitingConsent(IMessageSender messages, ConsentCodes codes) : IIntegrationEventHandler<ChildEnrollmentAwaitingConsentV1>
{
    public async Task Handle(ChildEnrollmentAwaitingConsentV1 awaiting, IntegrationEventContext context, CancellationToken cancellationToken) =>
        await messages.SendSms(new SmsRequest(DerivedId.From(awaiting.EnrollmentId, "enrollment-consent"), awaiting.GuardianPhone,
            MessageTemplates.EnrollmentConsent, new Dictionary<string, string>
            {
                ["schoolCode"] = awaiting.SchoolCode,
                ["childName"] = awaiting.ChildFullName,
                ["classCode"] = awaiting.ClassCode,
                ["code"] = codes.For(awaiting.EnrollmentId),
                ["days"] = ((int)Enrollment.ConsentWindow.TotalDays).ToString(System.Globalization.CultureInfo.InvariantCulture),
            }, new[] { awaiting.GuardianBhxhCode, awaiting.ChildBhxhCode }.OfType<string>().ToArray()), cancellationToken);
}
