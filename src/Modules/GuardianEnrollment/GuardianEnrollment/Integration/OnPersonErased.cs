using Mediator;
using Npgsql;
using VssId.BuildingBlocks.Privacy;
using VssId.Modules.GuardianEnrollment.ReadModels;

namespace VssId.Modules.GuardianEnrollment.Integration;

/// <summary>An erased child's name and birth date, an erased guardian's mobile (masked and hashed), leave the enrolment index.</summary>
public sealed class OnPersonErased(NpgsqlDataSource database) : INotificationHandler<PersonErased>
{
    public async ValueTask Handle(PersonErased notification, CancellationToken cancellationToken)
    {
        await using var blank = database.CreateCommand($"""
            UPDATE {EnrollmentIndex.TableName} SET
                child_full_name = CASE WHEN child_bhxh_code = $1 THEN '' ELSE child_full_name END,
                child_date_of_birth = CASE WHEN child_bhxh_code = $1 THEN NULL ELSE child_date_of_birth END,
                guardian_phone = CASE WHEN guardian_bhxh_code = $1 THEN NULL ELSE guardian_phone END,
                guardian_phone_masked = CASE WHEN guardian_bhxh_code = $1 THEN NULL ELSE guardian_phone_masked END
            WHERE child_bhxh_code = $1 OR guardian_bhxh_code = $1
            """);
        blank.Parameters.Add(new NpgsqlParameter { Value = notification.BhxhCode });
        await blank.ExecuteNonQueryAsync(cancellationToken);
    }
}
