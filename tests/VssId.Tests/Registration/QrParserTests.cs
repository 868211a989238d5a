using VssId.BuildingBlocks.Errors;
using VssId.Modules.Registration.Features.QrPrefill;

namespace VssId.Tests.Registration;

public sealed class QrParserTests
{
    [Fact]
    public void A_seven_field_cccd_payload_prefills_the_identity()
    {
        var p = QrParsers.ParseCccd("079090001234|025123456|Nguyễn Văn An|15031990|Nam|12 Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh|20042021");
        Assert.Equal(new CccdPrefill("079090001234", "025123456", "Nguyễn Văn An", new DateOnly(1990, 3, 15), "Nam",
            "12 Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh", new DateOnly(2021, 4, 20)), p);
    }

    [Fact]
    public void A_six_field_cccd_payload_is_read_without_shifting_fields()
    {
        var p = QrParsers.ParseCccd("079090001234|Nguyễn Văn An|15031990|Nam|12 Lê Lợi, Quận 1|20042021");
        Assert.Null(p.OldIdNumber);
        Assert.Equal("Nguyễn Văn An", p.FullName);
        Assert.Equal(new DateOnly(1990, 3, 15), p.DateOfBirth);
        Assert.Equal(new DateOnly(2021, 4, 20), p.IssuedOn);
    }

    [Fact]
    public void A_new_bhyt_card_gives_the_code_and_the_hex_encoded_name()
    {
        var p = QrParsers.ParseBhyt("0111077012|4e677579e1bb856e205469e1babf6e20c490e1baa174|29/03/1988|1|-|01 - C54|01/07/2023|-|31/07/2023|01050111077012|-|4| 01/10/2027|4641c59ff02659c3-1202|4|5175e1baad6e2043e1baa775204769e1baa5792c205468c3a06e68207068e1bb912048c3a0204ee1bb9969|$");
        Assert.Equal(new BhytPrefill("0111077012", "0111077012", "Nguyễn Tiến Đạt", new DateOnly(1988, 3, 29), "Nam", null), p);
    }

    [Fact]
    public void An_old_bhyt_card_gives_the_name_but_no_code()
    {
        var p = QrParsers.ParseBhyt("DN401AA31900313|4cc3aa205669e1bb87742048c6b06e67|04/09/1985|1|-|79 - 123|01/01/2020|31/12/2020|01/01/2020|79123|$");
        Assert.Null(p.BhxhCode);
        Assert.Equal("Lê Việt Hưng", p.FullName);
        Assert.Equal("DN401AA31900313", p.CardCode);
    }

    [Fact]
    public void A_15_character_card_with_a_numeric_tail_gives_its_last_10_digits() =>
        Assert.Equal("0120169123", QrParsers.ParseBhyt("DN4010120169123|4cc3aa|04/09/1985|2|-|x|x|x|x|x|$").BhxhCode);

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("079090001234|Nguyễn Văn An|15031990")]
    [InlineData("07909000123X|025123456|Nguyễn Văn An|15031990|Nam|addr|20042021")]
    [InlineData("079090001234|025123456|Nguyễn Văn An|31021990|Nam|addr|20042021")]
    [InlineData("079090001234|025123456|Nguyễn Văn An|15031990|Male|addr|20042021")]
    public void Junk_cccd_payloads_are_400_problems_that_say_what_was_wrong(string payload)
    {
        var problem = Assert.Throws<ProblemException>(() => QrParsers.ParseCccd(payload));
        Assert.Equal("qr.invalid", problem.Type.Code);
        Assert.NotNull(problem.Detail);
    }

    [Theory]
    [InlineData("0111077012|4e67|29/03/1988|1|-|x|x|x|x|x")]
    [InlineData("0111077012|zz-not-hex|29/03/1988|1|-|x|x|x|x|x|$")]
    [InlineData("0111077012|ff|29/03/1988|1|-|x|x|x|x|x|$")]
    [InlineData("0111077012|4e67|1988-03-29|1|-|x|x|x|x|x|$")]
    [InlineData("0111077012|4e67|29/03/1988|3|-|x|x|x|x|x|$")]
    [InlineData("0111077012|4e67|29/03/1988|1|$")]
    [InlineData("123|4e67|29/03/1988|1|-|x|x|x|x|x|$")]
    public void Junk_bhyt_payloads_are_400_problems(string payload) =>
        Assert.Equal("qr.invalid", Assert.Throws<ProblemException>(() => QrParsers.ParseBhyt(payload)).Type.Code);
}
