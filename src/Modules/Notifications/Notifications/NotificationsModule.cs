using Microsoft.Extensions.Hosting;
using Hangfire;
using Marten;
using VssId.BuildingBlocks.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VssId.BuildingBlocks.Modules;
using VssId.Modules.Notifications.Contracts;
using VssId.Modules.Notifications.Documents;
using VssId.Modules.Notifications.Messaging;
using VssId.Modules.Notifications.Messaging.Providers;
using VssId.Modules.Notifications.OneTimeCodes;

namespace VssId.Modules.Notifications;

/// <summary>
/// Messaging and documents: SMS and email as Hangfire jobs with a delivery log, one-time codes, and
/// Mẫu 01 rendering and verification. A supporting module: others use it through its Contracts.
/// </summary>
public sealed class NotificationsModule : IModule
{
    internal const string Tag = "Tài liệu · Documents";

    public string Name => "notifications";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        // The outbox keeps OTPs and passwords in clear for the development endpoint: refused anywhere else, at start.
        services.AddOptions<MessagingOptions>().Bind(configuration.GetSection("Messaging"))
            .Validate<IHostEnvironment>((o, environment) => environment.IsDevelopment() || o.AllowOutboxOutsideDevelopment
                    || (o.Sms.Provider != "outbox" && o.Email.Provider != "outbox"),
                "The \"outbox\" SMS and email providers keep one-time codes and passwords in clear: they are for Development only. "
                + "Set Messaging:Sms:Provider to \"http\" and Messaging:Email:Provider to \"smtp\".")
            .ValidateOnStart();
        services.Configure<OneTimeCodeOptions>(configuration.GetSection("OneTimeCodes"));
        services.Configure<DocumentOptions>(configuration.GetSection("Documents"));

        services.AddScoped<IMessageSender, MessageSender>();
        services.AddSingleton<Recipients>();
        services.AddSingleton<OneTimeCodes.CodeTargets>();
        services.AddHttpContextAccessor();
        services.AddScoped<IOneTimeCodes, OneTimeCodeService>();
        services.AddScoped<IDeclarationForms, DeclarationForms>();
        services.AddSingleton<DocumentToken>();
        services.AddTransient<SendMessageJob>();
        services.AddTransient<RenderDeclarationFormJob>();
        services.Configure<RetentionOptions>(configuration.GetSection("Retention"));
        services.AddTransient<RetentionJob>();
        services.AddRecurringJob<RetentionJob>("notifications.retention", job => job.Run(CancellationToken.None), Cron.Hourly());
        services.AddRecurringJob<SealStoredRecipientsJob>("notifications.seal-stored-recipients", job => job.Run(CancellationToken.None), Cron.Hourly());
        services.AddRecurringJob<Documents.NameStoredDocumentsJob>("notifications.name-stored-documents", job => job.Run(CancellationToken.None), Cron.Hourly());
        services.AddRecurringJob<SweepUnsentMessagesJob>("notifications.sweep-unsent-messages", job => job.Run(CancellationToken.None), Cron.Minutely());

        services.AddSingleton<OutboxProvider>();
        switch (configuration["Messaging:Sms:Provider"])
        {
            case "outbox":
                services.AddSingleton<ISmsProvider>(sp => sp.GetRequiredService<OutboxProvider>());
                break;
            case "http":
                services.AddHttpClient<ISmsProvider, HttpGatewaySmsProvider>();
                break;
            default:
                throw new InvalidOperationException("Messaging:Sms:Provider must be \"outbox\" (development) or \"http\" (a brandname gateway).");
        }
        switch (configuration["Messaging:Email:Provider"])
        {
            case "outbox":
                services.AddSingleton<IEmailProvider>(sp => sp.GetRequiredService<OutboxProvider>());
                break;
            case "smtp":
                services.AddSingleton<IEmailProvider, SmtpEmailProvider>();
                break;
            default:
                throw new InvalidOperationException("Messaging:Email:Provider must be \"outbox\" (development) or \"smtp\".");
        }
        services.AddModulePartsOf<NotificationsModule>();
    }

    // "/api" rather than "/api/v1": the development outbox lives at /api/dev, outside the versioned contract,
    // under a tag of its own (so no group tag here).
    public RouteGroupBuilder MapGroup(IEndpointRouteBuilder app) => app.MapGroup("/api");

    public void ConfigureMarten(StoreOptions options) => NotificationsSchema.Add(options);
}
