using Npgsql;

namespace VssId.BuildingBlocks.Marten;

public static class PostgresErrors
{
    /// <summary>The PostgreSQL error behind an exception, however Marten wrapped it; null when there is none.</summary>
    public static PostgresException? FindPostgresError(this Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is PostgresException postgres)
            {
                return postgres;
            }
        }
        return null;
    }
}
