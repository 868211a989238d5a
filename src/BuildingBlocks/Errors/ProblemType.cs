namespace VssId.BuildingBlocks.Errors;

/// <summary>
/// A kind of problem the API answers with: a stable <c>code</c> integrators may switch on, the HTTP
/// status, and a title in both languages. Codes are never renamed once published.
/// </summary>
public sealed record ProblemType(string Code, int Status, LocalizedText Title)
{
    /// <summary>The RFC 9457 <c>type</c> URI of this problem.</summary>
    public string TypeUri => $"urn:vssid:problem:{Code}";
}

/// <summary>A field-level validation error: a stable code and its text in both languages.</summary>
public sealed record FieldError(string Code, LocalizedText Message);

/// <summary>Problems every module may answer with.</summary>
public static class CommonProblems
{
    /// <summary>400 with field errors.</summary>
    /// <summary>A page cursor that no list handed out (field error of <c>cursor</c>).</summary>
    public static readonly FieldError CursorInvalid = new("request.cursor_invalid", new("Con trỏ trang không hợp lệ.", "The page cursor is invalid."));

    public static readonly ProblemType Validation = new("request.validation_failed", 400,
        new("Dữ liệu gửi lên không hợp lệ.", "The request has invalid fields."));

    /// <summary>400: the body could not be read (malformed JSON, wrong types).</summary>
    public static readonly ProblemType Malformed = new("request.malformed", 400,
        new("Không đọc được nội dung yêu cầu (JSON sai cú pháp hoặc sai kiểu dữ liệu).",
            "The request body could not be read (malformed JSON or wrong types)."));

    /// <summary>404 for an unknown route or a resource the caller may not know about.</summary>
    public static readonly ProblemType NotFound = new("request.not_found", 404,
        new("Không tìm thấy.", "Not found."));

    /// <summary>405.</summary>
    public static readonly ProblemType MethodNotAllowed = new("request.method_not_allowed", 405,
        new("Phương thức không được hỗ trợ cho địa chỉ này.", "This method is not allowed here."));

    /// <summary>413.</summary>
    public static readonly ProblemType TooLarge = new("request.too_large", 413,
        new("Nội dung yêu cầu quá lớn.", "The request body is too large."));

    /// <summary>415.</summary>
    public static readonly ProblemType UnsupportedMediaType = new("request.unsupported_media_type", 415,
        new("Định dạng nội dung không được hỗ trợ.", "The content type is not supported."));

    /// <summary>401.</summary>
    public static readonly ProblemType Unauthorized = new("auth.unauthorized", 401,
        new("Cần đăng nhập hoặc mã truy cập không hợp lệ.", "Authentication is required or the token is invalid."));

    /// <summary>403.</summary>
    public static readonly ProblemType Forbidden = new("auth.forbidden", 403,
        new("Bạn không có quyền thực hiện thao tác này.", "You are not allowed to do this."));

    /// <summary>409 for a write that lost an optimistic-concurrency race.</summary>
    public static readonly ProblemType Conflict = new("request.conflict", 409,
        new("Dữ liệu vừa được thay đổi bởi một yêu cầu khác; vui lòng thử lại.",
            "The data was changed by another request; please retry."));

    /// <summary>429 from a rate limit.</summary>
    public static readonly ProblemType TooManyRequests = new("request.rate_limited", 429,
        new("Quá nhiều yêu cầu; vui lòng thử lại sau.", "Too many requests; please try again later."));

    /// <summary>500: never shows internals, only the trace id.</summary>
    public static readonly ProblemType Unexpected = new("server.unexpected", 500,
        new("Hệ thống gặp lỗi ngoài dự kiến. Vui lòng thử lại sau.",
            "An unexpected error occurred. Please try again later."));

    /// <summary>503: a dependency (the database) is unavailable.</summary>
    public static readonly ProblemType Unavailable = new("server.unavailable", 503,
        new("Hệ thống tạm thời không phục vụ được. Vui lòng thử lại sau.",
            "The service is temporarily unavailable. Please try again later."));
}
