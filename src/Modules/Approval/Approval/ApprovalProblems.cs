using VssId.BuildingBlocks.Errors;

namespace VssId.Modules.Approval;

/// <summary>Every problem and field error of the review API; codes are stable.</summary>
public static class ApprovalProblems
{
    public static readonly ProblemType ClaimedByAnother = new("case.claimed_by_another", 409,
        new("Hồ sơ đang được một cán bộ khác xử lý.", "Another officer is working on this case."));

    public static readonly ProblemType NotClaimedByYou = new("case.not_claimed_by_you", 409,
        new("Bạn cần nhận xử lý hồ sơ trước (hoặc lượt nhận đã hết hạn).", "Claim the case first (or your claim has expired)."));

    public static readonly ProblemType CaseDecided = new("case.decided", 409,
        new("Hồ sơ đã có quyết định.", "The case has already been decided."));

    public static readonly ProblemType DocumentsMissing = new("case.documents_missing", 409,
        new("Chưa đủ ảnh bắt buộc nên không thể duyệt.", "Required photos are missing: the case cannot be approved."));

    public static readonly FieldError ReasonUnknown = new("case.reason_unknown",
        new("Lý do không có trong danh mục, hoặc không phù hợp với quyết định này.", "The reason is not in the catalog or does not fit this decision."));

    public static readonly FieldError NoteTooLong = new("case.note_too_long", new("Ghi chú tối đa 500 ký tự.", "A note has at most 500 characters."));

    public static readonly FieldError StatusUnknown = new("case.status_unknown", new("Trạng thái không hợp lệ.", "Unknown status."));

    public static readonly FieldError CursorInvalid = CommonProblems.CursorInvalid;
}
