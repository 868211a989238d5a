using System.Globalization;
using VssId.BuildingBlocks.Identifiers;
using VssId.BuildingBlocks.IntegrationEvents;
using VssId.BuildingBlocks.Time;
using VssId.Modules.Notifications.Contracts;
using VssId.Modules.Registration.Contracts;

namespace VssId.Modules.Registration.Integration;

/// <summary>Tells the owner that someone is guessing resume codes for their application, and until when resume is shut.</summary>
internal sealed class OnResumeLocked(IMessageSender messages) : IIntegrationEventHandler<ApplicationResumeLockedV1>
{
    public Task Handle(ApplicationResumeLockedV1 locked, IntegrationEventContext context, CancellationToken cancellationToken) =>
        messages.SendSms(new SmsRequest(DerivedId.From(context.EventId, "resume-locked-sms"), locked.Phone, MessageTemplates.ResumeLocked,
            new Dictionary<string, string>
            {
                ["until"] = TimeZoneInfo.ConvertTime(locked.Until, VietnamTime.Zone).ToString("HH:mm dd/MM/yyyy", CultureInfo.InvariantCulture),
            }, locked.BhxhCode is { } person ? [person] : null), cancellationToken);
}
