using Marten;
using VssId.BuildingBlocks.Identifiers;
using VssId.BuildingBlocks.IntegrationEvents;
using VssId.Modules.Approval.Contracts;
using VssId.Modules.Notifications.Contracts;
using VssId.Modules.Registration.Domain;

namespace VssId.Modules.Registration.Integration;

/// <summary>
/// The applicant's side of the office's decisions: the application's state and reason, the code released
/// by a final decision, the application reopened by a request for information, and an SMS with the reason.
/// A redelivered decision appends nothing (the aggregate ignores a decision it already took or one about
/// an older submission) and sends nothing twice (the SMS id is the event's).
/// </summary>
internal sealed class OnReviewDecisions(IDocumentSession session, IMessageSender messages)
    : IIntegrationEventHandler<ReviewStartedV1>, IIntegrationEventHandler<ApplicationApprovedV1>,
      IIntegrationEventHandler<ApplicationRejectedV1>, IIntegrationEventHandler<InformationRequestedV1>
{
    // A child's enrolment is GuardianEnrollment's to follow.
    public Task Handle(ReviewStartedV1 started, IntegrationEventContext context, CancellationToken cancellationToken) => started.Kind != CaseKinds.Adult ? Task.CompletedTask :
        Apply(started.ApplicationId, number => new ReviewStarted(started.ApplicationNumber, started.StartedAt), cancellationToken);

    public Task Handle(ApplicationApprovedV1 approved, IntegrationEventContext context, CancellationToken cancellationToken) => approved.Kind != CaseKinds.Adult ? Task.CompletedTask :
        Apply(approved.ApplicationId, number => new ApplicationApproved(number, approved.ApprovedAt), cancellationToken);

    public async Task Handle(ApplicationRejectedV1 rejected, IntegrationEventContext context, CancellationToken cancellationToken)
    {
        if (rejected.Kind != CaseKinds.Adult)
        {
            return;
        }
        var person = await Apply(rejected.ApplicationId, _ => new ApplicationRejected(rejected.ApplicationNumber,
            new DecisionReason(rejected.ReasonCode, rejected.ReasonVi, rejected.ReasonEn, rejected.Note), rejected.DecidedAt), cancellationToken);
        await messages.SendSms(new SmsRequest(DerivedId.From(context.EventId, "rejected-sms"), rejected.Phone, MessageTemplates.ApplicationRejected,
            new Dictionary<string, string> { ["applicationNumber"] = rejected.ApplicationNumber, ["reason"] = rejected.ReasonVi }, person), cancellationToken);
        await Email(rejected.ApplicationId, rejected.Email, person, context, rejected.ApplicationNumber, "không được duyệt", Reason(rejected.ReasonVi, rejected.Note),
            "Bạn có thể tạo hồ sơ mới khi đã khắc phục, hoặc liên hệ cơ quan BHXH.", cancellationToken);
    }

    public async Task Handle(InformationRequestedV1 requested, IntegrationEventContext context, CancellationToken cancellationToken)
    {
        if (requested.Kind != CaseKinds.Adult)
        {
            return;
        }
        var person = await Apply(requested.ApplicationId, _ => new InformationRequested(requested.ApplicationNumber,
            new DecisionReason(requested.ReasonCode, requested.ReasonVi, requested.ReasonEn, requested.Note), requested.DecidedAt), cancellationToken);
        await messages.SendSms(new SmsRequest(DerivedId.From(context.EventId, "needs-information-sms"), requested.Phone, MessageTemplates.NeedsInformation,
            new Dictionary<string, string> { ["applicationNumber"] = requested.ApplicationNumber, ["reason"] = requested.ReasonVi }, person), cancellationToken);
        await Email(requested.ApplicationId, requested.Email, person, context, requested.ApplicationNumber, "cần bổ sung thông tin", Reason(requested.ReasonVi, requested.Note),
            "Vui lòng sửa hồ sơ trên ứng dụng và gửi lại.", cancellationToken);
    }

    private static string Reason(string reason, string? note) => note is { Length: > 0 } ? $"{reason} {note}" : reason;

    // Mirrors the SMS when an email is on file (messages.md). The approval's email is not sent: its news is
    // the one-time password, which goes by SMS only.
    private async Task Email(Guid applicationId, string? email, IReadOnlyList<string>? person, IntegrationEventContext context, string number, string decision, string reason, string next,
        CancellationToken cancellationToken)
    {
        if (email is null)
        {
            return;
        }
        var application = await session.Events.AggregateStreamAsync<Application>(applicationId, token: cancellationToken);
        await messages.SendEmail(new EmailRequest(DerivedId.From(context.EventId, "decision-email"), email, MessageTemplates.DecisionEmail,
            new Dictionary<string, string>
            {
                ["fullName"] = application?.Declaration.FullName ?? "",
                ["applicationNumber"] = number,
                ["decision"] = decision,
                ["reason"] = reason,
                ["next"] = next,
            }, [], person), cancellationToken);
    }

    /// <summary>Appends the decision when the application takes it; answers whose application it is (for the messages that follow).</summary>
    private async Task<IReadOnlyList<string>?> Apply(Guid applicationId, Func<string, object> decision, CancellationToken cancellationToken)
    {
        var stream = await session.Events.FetchForWriting<Application>(applicationId, cancellationToken);
        if (stream.Aggregate is not { ApplicationNumber: { } number } application)
        {
            return null;
        }
        if (application.Decide(decision(number)) is { } accepted)
        {
            stream.AppendOne(accepted);
            await session.SaveChangesAsync(cancellationToken);
        }
        return [application.Declaration.BhxhCode];
    }
}
