using System.Collections.Immutable;
using VssId.BuildingBlocks.Errors;
using VssId.Modules.Registration.Domain;

namespace VssId.Tests.Registration;

/// <summary>The aggregate as pure functions: given events, when a decision, then the event (or the refusal).</summary>
public sealed class ApplicationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 3, 0, 0, TimeSpan.Zero);

    private static readonly Declaration Declared = new("0120169123", "Nguyễn Văn An", new DateOnly(1990, 3, 15), "Nam",
        new IdentityDocument("CCCD", "001090001234", null), new Address("legacy", "01", "021", "00613", "Số 12", null), "0352153123", null);

    private static Application Started() => Application.Create(new ApplicationStarted(Guid.NewGuid(), Declared, "hash", Now));

    private static Application Ready()
    {
        var application = Started();
        application = application.Apply(application.VerifyPhone(Now));
        foreach (var kind in DocumentKinds.Required)
        {
            application = application.Apply(application.Attach(new StoredDocument(kind, $"k/{kind}", "image/jpeg", 800, 600, 1000), Now));
        }
        return application;
    }

    [Fact]
    public void Submitting_without_a_verified_phone_is_refused() =>
        Assert.Equal("registration.phone_not_verified",
            Assert.Throws<ProblemException>(() => Started().Submit("00123", "n", false, Now, "a", "Hà Nội")).Type.Code);

    [Fact]
    public void Submitting_without_every_photo_names_what_is_missing()
    {
        var application = Started();
        application = application.Apply(application.VerifyPhone(Now));
        application = application.Apply(application.Attach(new StoredDocument(DocumentKinds.Portrait, "k", "image/jpeg", 800, 600, 1), Now));
        var problem = Assert.Throws<ProblemException>(() => application.Submit("00123", "n", false, Now, "a", "Hà Nội"));
        Assert.Equal("registration.documents_missing", problem.Type.Code);
        Assert.Contains("id-front, id-back", problem.Detail!.En, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ready_application_submits_with_its_declaration_and_photos_and_is_then_closed_to_edits()
    {
        var submitted = Ready().Submit("00123", "00123-20261125-000001", true, Now, "Số 12, Phường Minh Khai", "Hà Nội");
        Assert.Equal(Declared, submitted.Declaration);
        Assert.Equal(3, submitted.Documents.Count);
        var after = Ready().Apply(submitted);
        Assert.Equal(ApplicationStatus.Submitted, after.Status);
        Assert.Equal("registration.not_editable", Assert.Throws<ProblemException>(() => after.ReplaceDeclaration(Declared, Now)).Type.Code);
        Assert.Equal("registration.not_editable", Assert.Throws<ProblemException>(() => after.Withdraw(Now)).Type.Code);
    }

    [Fact]
    public void A_new_phone_is_no_longer_verified_and_the_code_cannot_change()
    {
        var application = Ready();
        Assert.True(application.PhoneVerified);
        var moved = application.Apply(application.ReplaceDeclaration(Declared with { Phone = "0912345678" }, Now));
        Assert.False(moved.PhoneVerified);
        Assert.Equal("registration.bhxh_code_immutable",
            Assert.Throws<ProblemException>(() => application.ReplaceDeclaration(Declared with { BhxhCode = "0120169999" }, Now)).Type.Code);
    }

    [Fact]
    public void Events_are_applied_immutably()
    {
        var started = Started();
        var attached = started.Apply(started.Attach(new StoredDocument(DocumentKinds.IdBack, "k", "image/png", 800, 600, 1), Now));
        Assert.Empty(started.Documents);
        Assert.Equal(ImmutableDictionary<string, StoredDocument>.Empty.Count + 1, attached.Documents.Count);
    }

    [Fact]
    public void An_editable_application_expires_only_after_30_days_without_activity()
    {
        var application = Started();
        application = application.Apply(application.VerifyPhone(Now));
        Assert.Null(application.Expire(Now + TimeSpan.FromDays(29)));
        var expired = application.Expire(Now + TimeSpan.FromDays(31));
        Assert.NotNull(expired);
        // Once expired (or submitted), nothing expires it again: the job may run as often as it likes.
        Assert.Null(application.Apply(expired).Expire(Now + TimeSpan.FromDays(62)));
        var submitted = Ready();
        submitted = submitted.Apply(submitted.Submit("00123", "n", false, Now, "a", "Hà Nội"));
        Assert.Null(submitted.Expire(Now + TimeSpan.FromDays(31)));
    }

    [Fact]
    public void A_draft_that_never_verified_its_phone_expires_24_hours_after_its_start_however_often_edited()
    {
        var application = Started();
        application = application.Apply(application.ReplaceDeclaration(Declared, Now + TimeSpan.FromHours(20)));
        Assert.Null(application.Expire(Now + TimeSpan.FromHours(23)));
        Assert.NotNull(application.Expire(Now + TimeSpan.FromHours(25)));
        var verified = application.Apply(application.VerifyPhone(Now + TimeSpan.FromHours(21)));
        Assert.Null(verified.Expire(Now + TimeSpan.FromHours(25)));
    }

    [Fact]
    public void A_token_is_reissued_only_for_an_open_application_with_a_verified_phone()
    {
        Assert.Equal("otp.invalid", Assert.Throws<ProblemException>(() => Started().ReissueAccessToken("new", Now)).Type.Code);
        var verified = Ready();
        var reissued = verified.Apply(verified.ReissueAccessToken("new", Now));
        Assert.Equal("new", reissued.AccessTokenHash);
        var withdrawn = Ready();
        withdrawn = withdrawn.Apply(withdrawn.Withdraw(Now));
        Assert.Throws<ProblemException>(() => withdrawn.ReissueAccessToken("new", Now));
    }

    // Issue 13 item 3: a replaced photo is deleted unless a submission refers to it (the office's case shows it).
    [Fact]
    public void A_replaced_photo_is_discarded_unless_a_submission_refers_to_it()
    {
        var draft = Ready();
        var replaced = draft.Attach(new StoredDocument(DocumentKinds.Portrait, "k/portrait-2", "image/jpeg", 800, 600, 1000), Now);
        Assert.Equal("k/portrait", replaced.Discarded);
        Assert.Null(draft.Attach(new StoredDocument(DocumentKinds.Portrait, "k/portrait", "image/jpeg", 800, 600, 1000), Now).Discarded);

        var submitted = draft.Apply(draft.Submit("00123", "n", false, Now, "a", "Hà Nội"));
        var reopened = submitted.Apply(new InformationRequested("n", new DecisionReason("identity.document_unreadable", "vi", "en", null), Now));
        Assert.Null(reopened.Attach(new StoredDocument(DocumentKinds.Portrait, "k/portrait-3", "image/jpeg", 800, 600, 1000), Now).Discarded);
        Assert.Empty(reopened.DiscardableFiles());
        Assert.Equal(3, draft.DiscardableFiles().Count);
    }
}
