using Npgsql;
using VssId.Modules.GuardianEnrollment.Contracts;
using VssId.Modules.GuardianEnrollment.ReadModels;

namespace VssId.Modules.GuardianEnrollment.Integration;

/// <summary>For Registration: an adult application is not submitted for a child a guardian's enrolment already put in an office's hands.</summary>
internal sealed class OpenEnrollments(NpgsqlDataSource database) : IOpenEnrollments
{
    public async Task<bool> HasOpenSubmission(string bhxhCode, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT EXISTS (SELECT 1 FROM {EnrollmentIndex.TableName} WHERE child_bhxh_code = $1 AND open_submission)");
        command.Parameters.Add(new NpgsqlParameter { Value = bhxhCode });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
