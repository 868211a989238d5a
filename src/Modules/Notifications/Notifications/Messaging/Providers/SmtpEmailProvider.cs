using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Npgsql;

namespace VssId.Modules.Notifications.Messaging.Providers;

/// <summary>
/// SMTP through MailKit: UTF-8 subject and body with their diacritics, HTML and plain text, attachments.
/// The Message-Id is derived from our message id, so a server that deduplicates can drop a resend.
/// </summary>
internal sealed class SmtpEmailProvider(IOptions<MessagingOptions> options) : IEmailProvider
{
    public async Task Deliver(OutgoingMessage message, NpgsqlConnection transaction, CancellationToken cancellationToken)
    {
        var email = options.Value.Email;
        var mime = new MimeMessage
        {
            Subject = message.Subject ?? "",
            MessageId = $"{message.MessageId:N}@vssid",
        };
        mime.From.Add(new MailboxAddress(email.FromName, email.From));
        mime.To.Add(MailboxAddress.Parse(message.To));
        var body = new BodyBuilder { TextBody = message.Body, HtmlBody = message.HtmlBody };
        foreach (var attachment in message.Attachments)
        {
            body.Attachments.Add(attachment.FileName, attachment.Content, ContentType.Parse(attachment.ContentType));
        }
        mime.Body = body.ToMessageBody();
        mime.Date = DateTimeOffset.UtcNow;

        var smtp = email.Smtp;
        using var client = new SmtpClient { Timeout = smtp.TimeoutSeconds * 1000 };
        var security = Enum.TryParse<SecureSocketOptions>(smtp.Security, ignoreCase: true, out var parsed) ? parsed : SecureSocketOptions.StartTls;
        try
        {
            await client.ConnectAsync(smtp.Host, smtp.Port, security, cancellationToken);
            if (!string.IsNullOrEmpty(smtp.Username))
            {
                await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", cancellationToken);
            }
            await client.SendAsync(mime, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception ex) when (ex is SmtpCommandException or SmtpProtocolException or AuthenticationException or IOException or System.Net.Sockets.SocketException)
        {
            throw new ProviderException($"SMTP delivery failed: {ex.GetType().Name}");
        }
    }
}
