using VssId.BuildingBlocks.Errors;
using VssId.Modules.Reference.Catalogs;
using VssId.Modules.Registration.Features;

namespace VssId.Tests.Registration;

public sealed class DeclarationInputTests
{
    [Theory]
    [InlineData("+84 352 153 123", "0352153123")]
    [InlineData("84352153123", "0352153123")]
    [InlineData("0352.153.123", "0352153123")]
    [InlineData("0912345678", "0912345678")]
    [InlineData("0241234567", null)] // a Hà Nội landline
    [InlineData("035215312", null)]
    [InlineData("+1 202 555 0143", null)]
    [InlineData("not a phone", null)]
    public void Phones_are_Vietnamese_mobiles_stored_as_0_and_9_digits(string input, string? expected) =>
        Assert.Equal(expected, DeclarationInput.NormalisePhone(input));

    [Theory]
    [InlineData("0120169123", "0120169123")]
    [InlineData(" DN4010120169123 ", "0120169123")]
    [InlineData("dn4010120169123", "0120169123")]
    [InlineData("DN401AA31900313", null)]
    [InlineData("DN6010120169123", null)]
    [InlineData("012016912", null)]
    public void Bhxh_codes_are_10_digits_or_taken_from_a_card_code(string input, string? expected) =>
        Assert.Equal(expected, DeclarationInput.NormaliseBhxhCode(input));

    [Theory]
    [InlineData("001090001234", 1990, "Nam", true)]
    [InlineData("079190001234", 1990, "Nữ", true)]
    [InlineData("001305001234", 2005, "Nữ", true)]
    [InlineData("001204001234", 2004, "Nam", true)]
    [InlineData("001090001234", 1990, "Nữ", false)]
    [InlineData("001090001234", 1991, "Nam", false)]
    [InlineData("099090001234", 1990, "Nam", false)] // 099 is no province
    [InlineData("00109000123", 1990, "Nam", false)]
    public void Cccd_digits_agree_with_province_birth_year_and_gender(string number, int year, string gender, bool valid)
    {
        var errors = new FieldErrors();
        Assert.Equal(valid, DeclarationInput.CheckCccd(number, new DateOnly(year, 6, 1), gender, AdministrativeUnits.Instance, "n", errors));
        Assert.Equal(valid ? 0 : 1, errors.Count);
    }

    [Fact]
    public void Names_are_NFC_trimmed_with_inner_spaces_collapsed()
    {
        var decomposed = "  Nguyễn   Văn  An ".Normalize(System.Text.NormalizationForm.FormD);
        var declaration = DeclarationInput.Normalise(new DeclarationRequest("0120169123", decomposed, new DateOnly(1990, 3, 15), "Nam",
                new IdentityDocumentRequest("Passport", "C1234567", null), new AddressRequest(null, "01", null, "00004", " Số 1 "), "0352153123", ""),
            AdministrativeUnits.Instance, DateTimeOffset.UtcNow);
        Assert.Equal("Nguyễn Văn An", declaration.FullName);
        Assert.True(declaration.FullName.IsNormalized());
        Assert.Equal("2025", declaration.Address.Catalog);
        Assert.Equal("Số 1", declaration.Address.Street);
        Assert.Null(declaration.Email);
        Assert.Equal("VN", declaration.IdentityDocument.Nationality);
    }

    [Theory]
    [InlineData("H'Hen Niê", true)]
    [InlineData("Nguyễn Thị Minh Khai", true)]
    [InlineData("A. Nguyễn-Trần", true)]
    [InlineData("X", false)]
    [InlineData("Nguyen 2", false)]
    [InlineData("<b>An</b>", false)]
    public void Names_allow_letters_spaces_apostrophes_hyphens_and_periods(string name, bool valid)
    {
        var request = new DeclarationRequest("0120169123", name, new DateOnly(1990, 3, 15), "Nam", new IdentityDocumentRequest("Passport", "C1234567", null),
            new AddressRequest("2025", "01", null, "00004", "Số 1"), "0352153123", null);
        var error = Record.Exception(() => DeclarationInput.Normalise(request, AdministrativeUnits.Instance, DateTimeOffset.UtcNow));
        Assert.Equal(valid, error is null);
    }
}
