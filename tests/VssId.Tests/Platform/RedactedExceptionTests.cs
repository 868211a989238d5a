using VssId.BuildingBlocks.Errors;

namespace VssId.Tests.Platform;

/// <summary>Issue 13 (logs): an unexpected exception is logged with its type and stack, but no long number of its messages.</summary>
public sealed class RedactedExceptionTests
{
    [Fact]
    public void Long_numbers_are_masked_in_every_message_and_the_type_and_stack_stay()
    {
        Exception thrown;
        try
        {
            try
            {
                throw new FormatException("phone 0352153123 rejected");
            }
            catch (FormatException inner)
            {
                throw new InvalidOperationException("identity 079090001234 on port 5432", inner);
            }
        }
        catch (InvalidOperationException e)
        {
            thrown = e;
        }
        var logged = new RedactedException(thrown).ToString();
        Assert.DoesNotContain("079090001234", logged, StringComparison.Ordinal);
        Assert.DoesNotContain("0352153123", logged, StringComparison.Ordinal);
        Assert.Contains("07**********", logged, StringComparison.Ordinal);
        Assert.Contains("port 5432", logged, StringComparison.Ordinal);
        Assert.Contains("System.InvalidOperationException", logged, StringComparison.Ordinal);
        Assert.Contains("System.FormatException", logged, StringComparison.Ordinal);
        Assert.Contains(nameof(Long_numbers_are_masked_in_every_message_and_the_type_and_stack_stay), logged, StringComparison.Ordinal);
    }
}
