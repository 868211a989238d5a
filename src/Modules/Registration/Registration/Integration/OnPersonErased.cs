using Mediator;
using Npgsql;
using VssId.BuildingBlocks.Privacy;
using VssId.Modules.Registration.ReadModels;

namespace VssId.Modules.Registration.Integration;

/// <summary>An erased applicant's phone digests leave the application index (nothing can be looked up by that phone).</summary>
public sealed class OnPersonErased(NpgsqlDataSource database) : INotificationHandler<PersonErased>
{
    public async ValueTask Handle(PersonErased notification, CancellationToken cancellationToken)
    {
        await using var blank = database.CreateCommand($"UPDATE {ApplicationIndex.TableName} SET phone = '', verified_phone = NULL WHERE bhxh_code = $1");
        blank.Parameters.Add(new NpgsqlParameter { Value = notification.BhxhCode });
        await blank.ExecuteNonQueryAsync(cancellationToken);
    }
}
