namespace VssId.Modules.Notifications.Messaging;

/// <summary><c>Messaging</c> settings.</summary>
public sealed class MessagingOptions
{
    /// <summary>
    /// Lets the outbox providers run outside Development: for load benchmarks of a production-configured host on a
    /// throwaway database only. Never set where real people's codes pass.
    /// </summary>
    public bool AllowOutboxOutsideDevelopment { get; set; }

    public SmsOptions Sms { get; set; } = new();
    public EmailOptions Email { get; set; } = new();

    /// <summary>Tries before a message is recorded as Failed.</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>
    /// Delay before the n-th retry (the last one repeats when there are more retries than delays).
    /// No initial value here: the configuration binder appends to an initialised array instead of replacing it.
    /// </summary>
    public int[] RetryDelaysSeconds { get; set; } = [];

    private static readonly int[] DefaultDelays = [10, 60, 300, 900, 3600];

    public TimeSpan RetryDelay(int failedAttempt)
    {
        var delays = RetryDelaysSeconds.Length == 0 ? DefaultDelays : RetryDelaysSeconds;
        return TimeSpan.FromSeconds(delays[Math.Min(failedAttempt, delays.Length) - 1]);
    }
}

public sealed class SmsOptions
{
    /// <summary><c>outbox</c> (stored in PostgreSQL, shown by the development endpoint) or <c>http</c>.</summary>
    public string Provider { get; set; } = "";

    /// <summary>The sender name registered with the operators.</summary>
    public string Brandname { get; set; } = "VssID";

    /// <summary>SMS allowed per hour in total, against SMS pumping; beyond it OTP requests answer 503.</summary>
    public int HourlyBudget { get; set; } = 100_000;

    public HttpGatewayOptions Http { get; set; } = new();
}

/// <summary>A brandname SMS gateway reached over HTTP.</summary>
public sealed class HttpGatewayOptions
{
    public string Url { get; set; } = "";
    public string ContentType { get; set; } = "application/json";

    /// <summary>The request body; {brandname}, {to}, {text}, {messageId} are replaced (JSON-escaped for a JSON content type).</summary>
    public string BodyTemplate { get; set; } = "{\"from\":\"{brandname}\",\"to\":\"{to}\",\"text\":\"{text}\",\"messageId\":\"{messageId}\"}";

    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary>Extra headers, e.g. an API key.</summary>
    public Dictionary<string, string> Headers { get; set; } = [];

    public int TimeoutSeconds { get; set; } = 15;
}

public sealed class EmailOptions
{
    /// <summary><c>outbox</c> or <c>smtp</c>.</summary>
    public string Provider { get; set; } = "";
    public string From { get; set; } = "no-reply@vssid.local";
    public string FromName { get; set; } = "VssID — Bảo hiểm xã hội số";
    public SmtpOptions Smtp { get; set; } = new();
}

public sealed class SmtpOptions
{
    public string Host { get; set; } = "";
    public int Port { get; set; } = 587;

    /// <summary><c>None</c>, <c>StartTls</c>, <c>SslOnConnect</c> or <c>Auto</c>.</summary>
    public string Security { get; set; } = "StartTls";
    public string? Username { get; set; }
    public string? Password { get; set; }
    public int TimeoutSeconds { get; set; } = 30;
}
