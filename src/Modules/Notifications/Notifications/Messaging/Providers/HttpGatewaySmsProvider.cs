using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;

namespace VssId.Modules.Notifications.Messaging.Providers;

/// <summary>
/// A brandname SMS gateway over HTTP: URL, credentials, headers and the payload shape are configuration.
/// The message id travels in the payload so a gateway that deduplicates can drop a resend after a crash.
/// </summary>
internal sealed class HttpGatewaySmsProvider(HttpClient http, IOptions<MessagingOptions> options) : ISmsProvider
{
    public async Task Deliver(OutgoingMessage message, NpgsqlConnection transaction, CancellationToken cancellationToken)
    {
        var sms = options.Value.Sms;
        var gateway = sms.Http;
        var json = gateway.ContentType.Contains("json", StringComparison.OrdinalIgnoreCase);
        string Escape(string value) => json ? JsonEncodedText.Encode(value).ToString() : Uri.EscapeDataString(value);
        var body = gateway.BodyTemplate
            .Replace("{brandname}", Escape(sms.Brandname), StringComparison.Ordinal)
            .Replace("{to}", Escape(message.To), StringComparison.Ordinal)
            .Replace("{text}", Escape(message.Body), StringComparison.Ordinal)
            .Replace("{messageId}", Escape(message.MessageId.ToString()), StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Post, gateway.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, gateway.ContentType),
        };
        if (!string.IsNullOrEmpty(gateway.Username))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{gateway.Username}:{gateway.Password}")));
        }
        foreach (var (name, value) in gateway.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(gateway.TimeoutSeconds));
        using var response = await http.SendAsync(request, timeout.Token);
        if (!response.IsSuccessStatusCode)
        {
            // The gateway's answer is not logged: it may echo the text (an OTP).
            throw new ProviderException($"SMS gateway answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
    }
}
