using Marten;
using VssId.BuildingBlocks.Identifiers;
using VssId.BuildingBlocks.IntegrationEvents;
using VssId.Modules.Approval.Contracts;
using VssId.Modules.GuardianEnrollment.Domain;
using VssId.Modules.Notifications.Contracts;

namespace VssId.Modules.GuardianEnrollment.Integration;

/// <summary>
/// The guardian's side of the office's decisions on a child's enrolment (Approval's events of kind <c>child</c>):
/// the enrolment's state and reason, reopened by a request for information, and the SMS (and email when one is
/// on file) to the guardian. The approval's news — the child's one-time password — is Credentials' SMS. A
/// redelivered decision appends nothing and sends nothing twice (the message ids are the event's).
/// </summary>
internal sealed class OnChildDecisions(IDocumentSession session, IMessageSender messages)
    : IIntegrationEventHandler<ReviewStartedV1>, IIntegrationEventHandler<ApplicationApprovedV1>,
      IIntegrationEventHandler<ApplicationRejectedV1>, IIntegrationEventHandler<InformationRequestedV1>
{
    public Task Handle(ReviewStartedV1 started, IntegrationEventContext context, CancellationToken cancellationToken) =>
        started.Kind != CaseKinds.Child ? Task.CompletedTask
            : Apply(started.ApplicationId, new EnrollmentReviewStarted(started.ApplicationNumber, started.StartedAt), cancellationToken);

    public Task Handle(ApplicationApprovedV1 approved, IntegrationEventContext context, CancellationToken cancellationToken) =>
        approved.Kind != CaseKinds.Child ? Task.CompletedTask
            : Apply(approved.ApplicationId, number => new EnrollmentApproved(number, approved.ApprovedAt), cancellationToken);

    public async Task Handle(ApplicationRejectedV1 rejected, IntegrationEventContext context, CancellationToken cancellationToken)
    {
        if (rejected.Kind != CaseKinds.Child)
        {
            return;
        }
        var enrollment = await Apply(rejected.ApplicationId, new EnrollmentRejected(rejected.ApplicationNumber,
            new EnrollmentDecisionReason(rejected.ReasonCode, rejected.ReasonVi, rejected.ReasonEn, rejected.Note), rejected.DecidedAt), cancellationToken);
        await Tell(enrollment, context, rejected.ApplicationNumber, rejected.Phone, rejected.Email, MessageTemplates.ApplicationRejected, rejected.ReasonVi,
            rejected.Note, "không được duyệt", "Bạn có thể đăng ký lại cho trẻ khi đã khắc phục, hoặc liên hệ cơ quan BHXH.", cancellationToken);
    }

    public async Task Handle(InformationRequestedV1 requested, IntegrationEventContext context, CancellationToken cancellationToken)
    {
        if (requested.Kind != CaseKinds.Child)
        {
            return;
        }
        var enrollment = await Apply(requested.ApplicationId, new EnrollmentInformationRequested(requested.ApplicationNumber,
            new EnrollmentDecisionReason(requested.ReasonCode, requested.ReasonVi, requested.ReasonEn, requested.Note), requested.DecidedAt), cancellationToken);
        await Tell(enrollment, context, requested.ApplicationNumber, requested.Phone, requested.Email, MessageTemplates.NeedsInformation, requested.ReasonVi,
            requested.Note, "cần bổ sung thông tin", "Vui lòng bổ sung ảnh của trẻ trên ứng dụng và ghi nhận lại.", cancellationToken);
    }

    private async Task Tell(Enrollment? enrollment, IntegrationEventContext context, string number, string phone, string? email, string smsTemplate,
        string reason, string? note, string decision, string next, CancellationToken cancellationToken)
    {
        if (enrollment is null)
        {
            return; // not one of ours
        }
        await messages.SendSms(new SmsRequest(DerivedId.From(context.EventId, "child-decision-sms"), phone, smsTemplate,
            new Dictionary<string, string> { ["applicationNumber"] = number, ["reason"] = reason }, People(enrollment)), cancellationToken);
        if (email is not null)
        {
            await messages.SendEmail(new EmailRequest(DerivedId.From(context.EventId, "child-decision-email"), email, MessageTemplates.DecisionEmail,
                new Dictionary<string, string>
                {
                    ["fullName"] = enrollment.Guardian.FullName,
                    ["applicationNumber"] = number,
                    ["decision"] = $"{decision} (trẻ {enrollment.Child.FullName})",
                    ["reason"] = note is { Length: > 0 } ? $"{reason} {note}" : reason,
                    ["next"] = next,
                }, [], People(enrollment)), cancellationToken);
        }
    }

    // The guardian receives it (their key seals it); the child is named in it.
    private static string[] People(Enrollment enrollment) => [enrollment.Guardian.BhxhCode, enrollment.Child.BhxhCode];

    private Task<Enrollment?> Apply(Guid enrollmentId, object decision, CancellationToken cancellationToken) =>
        Apply(enrollmentId, _ => decision, cancellationToken);

    /// <summary>Appends the decision when the enrolment takes it; answers the enrolment (null when the id is not an enrolment).</summary>
    private async Task<Enrollment?> Apply(Guid enrollmentId, Func<string, object> decision, CancellationToken cancellationToken)
    {
        var stream = await session.Events.FetchForWriting<Enrollment>(enrollmentId, cancellationToken);
        if (stream.Aggregate is not { ApplicationNumber: { } number } enrollment)
        {
            return null;
        }
        if (enrollment.Decide(decision(number)) is { } accepted)
        {
            stream.AppendOne(accepted);
            await session.SaveChangesAsync(cancellationToken);
        }
        return enrollment;
    }
}
