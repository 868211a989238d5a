using VssId.Modules.Notifications.Contracts;
using VssId.Modules.Notifications.Messaging;

namespace VssId.Tests.Notifications;

public sealed class Gsm7Tests
{
    // Every Vietnamese letter, with its base letter: 12 vowels × 6 tones, đ, and the plain consonants.
    private const string Vietnamese = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ";
    private const string Folded = "aaaaaaaaaaaaaaaaaabcddeeeeeeeeeeeeghiiiiiiklmnoooooooooooooooooopqrstuuuuuuuuuuuuvxyyyyyy";

    [Fact]
    public void Every_Vietnamese_letter_folds_to_its_base_letter_in_lower_and_upper_case()
    {
        Assert.Equal(Vietnamese.Length, Folded.Length);
        Assert.Equal(Folded, Gsm7.Fold(Vietnamese));
        Assert.Equal(Folded.ToUpperInvariant(), Gsm7.Fold(Vietnamese.ToUpperInvariant()));
        // Decomposed input (NFD, as some keyboards send it) folds the same way.
        Assert.Equal(Folded, Gsm7.Fold(Vietnamese.Normalize(System.Text.NormalizationForm.FormD)));
    }

    [Fact]
    public void Folded_text_is_gsm7_and_unknown_characters_become_question_marks()
    {
        Assert.Equal("VssID: Ma xac thuc cua ban la 482913. Dung chia se \"ma\" - 'OTP'.",
            Gsm7.Fold("VssID: Mã xác thực của bạn là 482913. Đừng chia sẻ “mã” – ‘OTP’."));
        Assert.Equal("Ho ten: ? ?", Gsm7.Fold("Họ tên: 😀 中"));
        Assert.True(Gsm7.IsGsm7(Gsm7.Fold(Vietnamese.ToUpperInvariant() + "€[]")));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(160, 1)]
    [InlineData(161, 2)]
    [InlineData(306, 2)]
    [InlineData(307, 3)]
    public void Segments_are_160_septets_alone_and_153_when_concatenated(int length, int segments) =>
        Assert.Equal(segments, Gsm7.Segments(new string('a', length)));

    [Fact]
    public void Extension_characters_count_two_septets() =>
        Assert.Equal(2, Gsm7.Segments(new string('a', 159) + "€"));

    [Theory]
    [InlineData(MessageTemplates.Otp, "code=482913", "minutes=5")]
    [InlineData(MessageTemplates.ApplicationReceived, "applicationNumber=00123-20261125-000042", "officeName=BHXH Huyện Chương Mỹ")]
    [InlineData(MessageTemplates.AccountIssued, "bhxhCode=0120169123", "password=K7MX9P2QAZ")]
    [InlineData(MessageTemplates.AccountLocked, "minutes=15", "x=y")]
    public void Every_sms_template_fits_one_segment_once_folded(string template, string first, string second)
    {
        var parameters = new[] { first, second }.Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        var text = Gsm7.Fold(Templates.RenderSms(template, parameters).Body);
        Assert.True(Gsm7.IsGsm7(text));
        Assert.Equal(1, Gsm7.Segments(text));
        Assert.DoesNotContain("{", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Secrets_are_masked_in_the_copy_that_is_kept()
    {
        var rendered = Templates.RenderSms(MessageTemplates.Otp, new Dictionary<string, string> { ["code"] = "482913", ["minutes"] = "5" });
        Assert.Contains("482913", rendered.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("482913", rendered.RedactedBody, StringComparison.Ordinal);
        Assert.True(rendered.Sensitive);
    }
}
