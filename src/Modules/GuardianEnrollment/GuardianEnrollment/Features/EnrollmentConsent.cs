using JasperFx;
using JasperFx.Events;
using Marten;
using Npgsql;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Marten;
using VssId.BuildingBlocks.Time;
using VssId.Modules.Credentials.Contracts;
using VssId.Modules.GuardianEnrollment.Domain;
using VssId.Modules.GuardianEnrollment.ReadModels;
using VssId.Modules.Reference.Contracts;
using VssId.Modules.Registration.Contracts;

namespace VssId.Modules.GuardianEnrollment.Features;

/// <summary>
/// A guardian's consent to a school's enrolment, however it was given (in the account, or with the SMS code): the
/// checks "Ghi nhận" makes (office open, the child has no account and no adult application), a number, and the
/// consent with the submission in one append. The child's open-submission race is the database's, as at "Ghi nhận".
/// </summary>
internal sealed class EnrollmentConsent(IDocumentSession session, ICitizenDirectory citizens, IOpenApplications applications, IOfficeCatalog offices,
    NpgsqlDataSource database, TimeProvider time)
{
    public async Task<string> Give(IEventStream<Enrollment> stream, string channel, CancellationToken cancellationToken)
    {
        var enrollment = stream.Aggregate!;
        var now = time.GetUtcNow();
        var today = VietnamTime.DateOf(now);
        // The state first: an enrolment already consented to, or expired, says so before anything else.
        enrollment.Consent(channel, "", now);
        if (offices.FindActive(enrollment.OfficeCode, today) is null)
        {
            throw new ProblemException(GuardianEnrollmentProblems.OfficeClosed);
        }
        if (await citizens.FindByBhxhCode(enrollment.Child.BhxhCode, cancellationToken) is not null)
        {
            throw new ProblemException(GuardianEnrollmentProblems.ChildHasAccount);
        }
        if (await applications.HasOpenSubmission(enrollment.Child.BhxhCode, cancellationToken))
        {
            throw new ProblemException(GuardianEnrollmentProblems.ApplicationOpen);
        }
        var number = $"{enrollment.OfficeCode}-{today:yyyyMMdd}-TE{await SqlSequences.Next(database, "enrollment.application_number_seq", cancellationToken):D6}";
        stream.AppendMany(enrollment.Consent(channel, number, now));
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (Exception ex) when (ex.FindPostgresError() is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: EnrollmentIndex.OpenSubmissionIndex })
        {
            throw new ProblemException(GuardianEnrollmentProblems.ChildEnrolled);
        }
        return number;
    }
}
