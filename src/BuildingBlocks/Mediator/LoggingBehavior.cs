using System.Diagnostics;
using Mediator;
using Microsoft.Extensions.Logging;

namespace VssId.BuildingBlocks.Mediator;

/// <summary>
/// Logs the message type, outcome and duration of every command and query. Never the message itself:
/// it may hold identity numbers, phones or OTPs.
/// </summary>
public sealed class LoggingBehavior<TMessage, TResponse>(ILogger<LoggingBehavior<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await next(message, cancellationToken);
            logger.LogDebug("{Message} handled in {ElapsedMs:F1} ms", typeof(TMessage).Name,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return response;
        }
        catch (Exception ex) when (ex is Errors.ProblemException problem)
        {
            logger.LogInformation("{Message} answered {Code} in {ElapsedMs:F1} ms", typeof(TMessage).Name,
                problem.Type.Code, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            throw;
        }
    }
}
