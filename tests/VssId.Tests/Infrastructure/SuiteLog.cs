using Microsoft.Extensions.Logging;

namespace VssId.Tests.Infrastructure;

/// <summary>
/// Every host of the run writes its log lines (Information and up, whatever the console shows) to one file named by
/// <c>VSSID_SUITE_LOG</c>; test.sh scans it after the whole suite for identity numbers, phones, codes, passwords and
/// tokens (issue 13: a log scan after the full suite). Without the variable nothing is written.
/// </summary>
public sealed class SuiteLog : ILoggerProvider
{
    private static readonly object Gate = new();
    private static readonly StreamWriter? Writer = Environment.GetEnvironmentVariable("VSSID_SUITE_LOG") is { Length: > 0 } path
        ? new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), System.Text.Encoding.UTF8) { AutoFlush = true }
        : null;

    public static bool Enabled => Writer is not null;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => Writer is not null && logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (Writer is null)
            {
                return;
            }
            var line = $"{logLevel} {category}: {formatter(state, exception)} {exception}".ReplaceLineEndings(" ");
            lock (Gate)
            {
                Writer.WriteLine(line);
            }
        }
    }
}
