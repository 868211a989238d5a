using Marten;
using Marten.Services;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace VssId.BuildingBlocks.Marten;

/// <summary>
/// Marten's default logger writes a failed command's parameters — declarations with identity numbers
/// and phones — into the log. This one logs what failed (the SQL text and the error) and never a value.
/// </summary>
public sealed class ParameterFreeMartenLogger(ILogger<ParameterFreeMartenLogger> logger) : IMartenLogger, IMartenSessionLogger
{
    public IMartenSessionLogger StartSession(IQuerySession session) => this;

    public void SchemaChange(string sql) => logger.LogDebug("Marten schema change: {Sql}", sql);

    public void LogSuccess(NpgsqlCommand command)
    {
    }

    public void LogSuccess(NpgsqlBatch batch)
    {
    }

    public void LogFailure(NpgsqlCommand command, Exception ex) =>
        logger.LogWarning("Marten command failed ({Error}): {Sql}", Describe(ex), command.CommandText);

    public void LogFailure(NpgsqlBatch batch, Exception ex) =>
        logger.LogWarning("Marten batch of {Count} commands failed ({Error})", batch.BatchCommands.Count, Describe(ex));

    public void LogFailure(Exception ex, string message) =>
        logger.LogWarning("Marten failure ({Error}): {Message}", Describe(ex), message);

    public void RecordSavedChanges(IDocumentSession session, IChangeSet commit)
    {
    }

    public void OnBeforeExecute(NpgsqlCommand command)
    {
    }

    public void OnBeforeExecute(NpgsqlBatch batch)
    {
    }

    // The SQLSTATE and the exception type say what went wrong; PostgreSQL's detail may quote a key value.
    private static string Describe(Exception ex) => ex is PostgresException postgres ? $"{ex.GetType().Name} {postgres.SqlState}" : ex.GetType().Name;
}
