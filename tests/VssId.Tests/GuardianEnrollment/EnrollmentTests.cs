using VssId.BuildingBlocks.Errors;
using VssId.Modules.GuardianEnrollment.Domain;

namespace VssId.Tests.GuardianEnrollment;

/// <summary>
/// The aggregate as pure functions. Expiry: a draft or an enrolment waiting for information lapses 30 days after its
/// last activity, a school's enrolment 30 days after its start; photos go with it unless a submission carried them, and a
/// photo replaced under another name goes at once. Uploads: 100 in any 24 hours.
/// </summary>
public sealed class EnrollmentTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 3, 0, 0, TimeSpan.Zero);

    private static Enrollment Started(string origin = EnrollmentOrigins.Guardian) => Enrollment.Create(new EnrollmentStarted(Guid.NewGuid(),
        new Child("0126000001", "Nguyễn Minh Khôi", new DateOnly(2016, 9, 5), "Nam"),
        new Guardian(Guid.NewGuid(), "0120169123", "Nguyễn Văn An", "001090001234", "0352153123", null), Relationships.Father,
        new ContactAddress("Số 12, Phường Minh Khai, Thành phố Hà Nội", "Hà Nội", true), "00123", origin, Start,
        origin == EnrollmentOrigins.School ? new SchoolClass("HN-THCS-013", "3C") : null));

    private static EnrollmentDocument Photo(string extension) =>
        new(EnrollmentDocumentKinds.BirthCertificate, $"enrollment/x/birth-certificate.{extension}", $"image/{extension}", 800, 600, 1000);

    [Fact]
    public void A_draft_lapses_30_days_after_its_last_activity_and_its_photo_goes_with_it()
    {
        var draft = Started();
        draft = draft.Apply(draft.Attach(Photo("jpeg"), Start.AddDays(20)));

        Assert.Null(draft.Expire(Start.AddDays(31)));
        var lapse = draft.Expire(Start.AddDays(50).AddMinutes(1));
        Assert.NotNull(lapse);
        Assert.Equal(["enrollment/x/birth-certificate.jpeg"], lapse.Discarded);
        Assert.Equal(EnrollmentStatus.Expired, draft.Apply(lapse).Status);
        Assert.Null(draft.Apply(lapse).Expire(Start.AddDays(400)));
    }

    [Fact]
    public void A_photo_replaced_under_another_name_is_discarded_unless_a_submission_carried_it()
    {
        var draft = Started();
        draft = draft.Apply(draft.Attach(Photo("jpeg"), Start));
        var replaced = draft.Attach(Photo("png"), Start.AddHours(1));
        Assert.Equal(["enrollment/x/birth-certificate.jpeg"], replaced.Discarded);
        // The same name again: the file was overwritten in place, nothing to discard.
        Assert.Null(draft.Attach(Photo("jpeg"), Start.AddHours(1)).Discarded);

        var submitted = draft.Apply(draft.Submit("00123-20261102-000001", Start.AddHours(2)));
        var reopened = submitted.Apply(new EnrollmentInformationRequested("00123-20261102-000001",
            new EnrollmentDecisionReason("photo_unreadable", "Ảnh mờ", "Unreadable photo", null), Start.AddDays(3)));
        var fixedPhoto = reopened.Attach(Photo("png"), Start.AddDays(4));
        Assert.Null(fixedPhoto.Discarded);

        // Waiting for information: 30 days after the office's request (or the last photo), and only what no submission carried goes.
        var waiting = reopened.Apply(fixedPhoto);
        Assert.Null(waiting.Expire(Start.AddDays(33)));
        Assert.Equal(["enrollment/x/birth-certificate.png"], waiting.Expire(Start.AddDays(34).AddMinutes(1))!.Discarded);
        Assert.Empty(reopened.Expire(Start.AddDays(33).AddMinutes(1))!.Discarded!);
    }

    [Fact]
    public void The_hundred_and_first_upload_within_24_hours_is_refused_until_the_oldest_is_a_day_old()
    {
        var draft = Started();
        for (var i = 0; i < Enrollment.MaxUploadsPerDay; i++)
        {
            draft = draft.Apply(draft.Attach(Photo("jpeg"), Start.AddMinutes(i)));
        }
        var refused = Assert.Throws<ProblemException>(() => draft.Attach(Photo("jpeg"), Start.AddHours(2)));
        Assert.Equal("enrollment.upload_budget_used", refused.Type.Code);
        Assert.Equal(TimeSpan.FromHours(22), refused.RetryAfter);
        Assert.Throws<ProblemException>(() => draft.EnsureUploadBudget(Start.AddDays(1).AddSeconds(-1)));
        draft.EnsureUploadBudget(Start.AddDays(1));
        Assert.NotNull(draft.Attach(Photo("jpeg"), Start.AddDays(1)));
    }

    [Fact]
    public void A_submitted_enrolment_never_lapses_and_a_schools_lapses_30_days_after_its_start_whatever_happened_since()
    {
        var draft = Started();
        draft = draft.Apply(draft.Attach(Photo("jpeg"), Start));
        var submitted = draft.Apply(draft.Submit("00123-20261102-000001", Start));
        Assert.Null(submitted.Expire(Start.AddDays(400)));
        Assert.Null(submitted.Apply(new EnrollmentReviewStarted("00123-20261102-000001", Start)).Expire(Start.AddDays(400)));

        var school = Started(EnrollmentOrigins.School);
        school = school.Apply(school.Attach(Photo("jpeg"), Start.AddDays(29)));
        Assert.Null(school.Expire(Start.AddDays(30)));
        Assert.Equal(["enrollment/x/birth-certificate.jpeg"], school.Expire(Start.AddDays(30).AddMinutes(1))!.Discarded);
    }
}
