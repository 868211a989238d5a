using VssId.BuildingBlocks.Errors;

namespace VssId.Tests.Platform;

public sealed class LanguageTests
{
    [Theory]
    [InlineData(null, "vi")]
    [InlineData("", "vi")]
    [InlineData("en", "en")]
    [InlineData("en-US,en;q=0.9", "en")]
    [InlineData("vi-VN,vi;q=0.9,en;q=0.8", "vi")]
    [InlineData("fr-FR,en;q=0.5", "en")]
    [InlineData("vi;q=0.2,en;q=0.8", "en")]
    [InlineData("de,fr", "vi")]
    [InlineData(";;;garbage===", "vi")]
    public void Accept_language_picks_vietnamese_or_english(string? header, string expected) =>
        Assert.Equal(expected, Language.FromAcceptLanguage(header));
}
