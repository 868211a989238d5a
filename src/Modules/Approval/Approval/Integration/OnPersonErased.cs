using Mediator;
using Npgsql;
using VssId.BuildingBlocks.Privacy;
using VssId.Modules.Approval.ReadModels;

namespace VssId.Modules.Approval.Integration;

/// <summary>An erased person's name leaves the office queue's index (their case's events read it as empty from now on).</summary>
public sealed class OnPersonErased(NpgsqlDataSource database) : INotificationHandler<PersonErased>
{
    public async ValueTask Handle(PersonErased notification, CancellationToken cancellationToken)
    {
        await using var blank = database.CreateCommand($"UPDATE {CaseIndex.TableName} SET full_name = '' WHERE subject = $1");
        blank.Parameters.Add(new NpgsqlParameter { Value = notification.BhxhCode });
        await blank.ExecuteNonQueryAsync(cancellationToken);
    }
}
