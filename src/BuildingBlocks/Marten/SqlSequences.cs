using Npgsql;

namespace VssId.BuildingBlocks.Marten;

/// <summary>Numbers from a PostgreSQL sequence (application numbers): outside any transaction, so a number is never handed out twice.</summary>
public static class SqlSequences
{
    public static async Task<long> Next(NpgsqlDataSource database, string sequence, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT nextval('{sequence}')");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
