namespace VssId.Modules.GuardianEnrollment.Features;

/// <summary>The id of an enrolment's Mẫu 01: one per submission (a resubmission after "needs information" has a new number and a new form).</summary>
internal static class EnrollmentForms
{
    public static Guid DocumentId(Guid enrollmentId, string applicationNumber) =>
        VssId.BuildingBlocks.Identifiers.DerivedId.From(enrollmentId, "mau-01:" + applicationNumber);
}
