using VssId.BuildingBlocks.Errors;
using VssId.Modules.Approval;
using VssId.Modules.Approval.Domain;

namespace VssId.Tests.Approval;

/// <summary>The claim rules of the case, with time as a parameter.</summary>
public sealed class ReviewCaseTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    private static ReviewCase Opened() => ReviewCase.Create(new CaseOpened(Guid.NewGuid(), Guid.NewGuid(), "adult", "00123", "00123-20261202-000001", T0,
        new CaseDeclaration("0120169123", "Nguyễn Văn An", new DateOnly(1990, 3, 15), "Nam", "CCCD", "001090001234", null, "Hà Nội", "0352153123", null),
        [new CaseDocument("portrait", "a", "image/jpeg"), new CaseDocument("id-front", "b", "image/jpeg"), new CaseDocument("id-back", "c", "image/jpeg")]));

    private static ReviewCase Apply(ReviewCase c, IEnumerable<object> events) => events.Aggregate(c, (s, e) => e switch
    {
        CaseClaimed x => s.Apply(x),
        ReviewStarted x => s.Apply(x),
        CaseReleased x => s.Apply(x),
        _ => throw new InvalidOperationException(),
    });

    [Fact]
    public void A_claim_holds_for_30_minutes_then_another_officer_may_take_the_case()
    {
        var held = Apply(Opened(), Opened().Claim("lan", T0));
        Assert.Equal(CaseStatus.UnderReview, held.Status);
        var refused = Assert.Throws<ProblemException>(() => held.Claim("minh", T0.AddMinutes(29)));
        Assert.Equal(ApprovalProblems.ClaimedByAnother, refused.Type);
        Assert.Throws<ProblemException>(() => held.Approve("minh", T0.AddMinutes(10)));

        // After 30 minutes the claim has lapsed: the holder can no longer decide, another officer can claim.
        Assert.Throws<ProblemException>(() => held.Approve("lan", T0.AddMinutes(31)));
        var taken = held.Claim("minh", T0.AddMinutes(31));
        Assert.Single(taken); // the review had already started: no second ReviewStarted
        Assert.IsType<CaseApproved>(Apply(held, taken).Approve("minh", T0.AddMinutes(32)));
    }

    [Fact]
    public void Claiming_again_renews_ones_own_claim_and_release_is_only_for_the_holder()
    {
        var held = Apply(Opened(), Opened().Claim("lan", T0));
        var renewed = Apply(held, held.Claim("lan", T0.AddMinutes(25)));
        Assert.Equal(T0.AddMinutes(55), renewed.ClaimedUntil);
        Assert.Throws<ProblemException>(() => renewed.Release("minh", T0.AddMinutes(26)));
        Assert.Null(Apply(renewed, [renewed.Release("lan", T0.AddMinutes(26))]).HolderAt(T0.AddMinutes(27)));
    }
}
