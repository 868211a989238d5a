using Npgsql;
using VssId.BuildingBlocks.IntegrationEvents;
using VssId.Modules.Credentials.Contracts;
using Weasel.Postgresql.Tables;

namespace VssId.Modules.Registration.ReadModels;

/// <summary>
/// The mã số BHXH that have an account, as Credentials published them: Registration's own copy, so the
/// start check reads it in the append's transaction instead of asking another module on every start.
/// </summary>
internal sealed class AccountCodes(NpgsqlDataSource database) : IIntegrationEventHandler<AccountOpenedV1>
{
    public const string TableName = "registration.account_codes";

    public static Table Table()
    {
        var table = new Table(TableName);
        table.AddColumn("bhxh_code", "text").AsPrimaryKey();
        table.AddColumn<Guid>("account_id").NotNull();
        table.AddColumn("opened_at", "timestamp with time zone").NotNull();
        return table;
    }

    // A redelivery inserts nothing.
    public async Task Handle(AccountOpenedV1 opened, IntegrationEventContext context, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"INSERT INTO {TableName} (bhxh_code, account_id, opened_at) VALUES ($1, $2, $3) ON CONFLICT (bhxh_code) DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter { Value = opened.BhxhCode });
        command.Parameters.Add(new NpgsqlParameter { Value = opened.AccountId });
        command.Parameters.Add(new NpgsqlParameter { Value = opened.OpenedAt });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<bool> Has(NpgsqlDataSource database, string bhxhCode, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT EXISTS (SELECT 1 FROM {TableName} WHERE bhxh_code = $1)");
        command.Parameters.Add(new NpgsqlParameter { Value = bhxhCode });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
