using Npgsql;
using VssId.Modules.Registration.Contracts;
using VssId.Modules.Registration.ReadModels;

namespace VssId.Modules.Registration.Integration;

/// <summary>For GuardianEnrollment: a child's code that an adult application holds is not enrolled twice.</summary>
internal sealed class OpenApplications(NpgsqlDataSource database) : IOpenApplications
{
    public Task<bool> HasOpenSubmission(string bhxhCode, CancellationToken cancellationToken) =>
        ApplicationIndex.HasOpenSubmission(database, bhxhCode, cancellationToken);

    public Task<IReadOnlySet<string>> WithOpenSubmission(IReadOnlyCollection<string> bhxhCodes, CancellationToken cancellationToken) =>
        ApplicationIndex.WithOpenSubmission(database, bhxhCodes, cancellationToken);
}
