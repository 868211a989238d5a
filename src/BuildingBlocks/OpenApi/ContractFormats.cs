namespace VssId.BuildingBlocks.OpenApi;

/// <summary>
/// The identifier rules of formats.md as the OpenAPI contract states them (<c>pattern</c> on string
/// members). Stored values are normalised, so answers use the strict forms; requests accept more
/// (spaces, +84, a BHYT card code) and say so in their own patterns.
/// </summary>
public static class ContractFormats
{
    /// <summary>Mã số BHXH as stored and answered: exactly 10 digits.</summary>
    public const string BhxhCode = "^[0-9]{10}$";

    /// <summary>Mã số BHXH as accepted: 10 digits, or a 15-character BHYT card code ending in them.</summary>
    public const string BhxhCodeInput = "^\\s*([0-9]{10}|[A-Za-z]{2}[1-5][0-9]{12})\\s*$";

    /// <summary>A Vietnamese mobile as stored and answered: 0 and 9 digits.</summary>
    public const string Phone = "^0[0-9]{9}$";

    /// <summary>
    /// A person's mobile in an answer that may describe an erased person: <see cref="Phone"/>, or empty once their key
    /// was shredded (ADR 16: an erased person's personal fields read as "" and a birth date as 0001-01-01).
    /// </summary>
    public const string ErasablePhone = "^(0[0-9]{9})?$";

    /// <summary>An identity document number (CCCD, CMND, passport) in an answer: empty once the person was erased.</summary>
    public const string ErasableDocumentNumber = "^([0-9A-Z]{6,12})?$";

    /// <summary>A Vietnamese mobile as accepted: <c>+84…</c>, <c>84…</c> or <c>0…</c>, with spaces and dots.</summary>
    public const string PhoneInput = "^[0-9+ .]{9,20}$";

    /// <summary>A one-time code sent by SMS: 6 digits.</summary>
    public const string OtpCode = "^[0-9]{6}$";

    /// <summary>A code or mobile shown masked: its first and last 3 digits, stars between.</summary>
    public const string MaskedNumber = "^[0-9]{0,3}[*]+[0-9]{0,3}$";

    /// <summary>A mobile shown masked (<see cref="MaskedNumber"/>), or empty once its person was erased.</summary>
    public const string ErasableMaskedPhone = "^([0-9]{0,3}[*]+[0-9]{0,3})?$";

    /// <summary>Genders as the JSON carries them.</summary>
    public const string Male = "Nam";

    /// <summary>Genders as the JSON carries them.</summary>
    public const string Female = "Nữ";
}
