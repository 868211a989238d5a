namespace VssId.Tests.Infrastructure;

/// <summary>A bounded probe for asynchronous outcomes: polls until true or fails at the deadline.</summary>
public static class Eventually
{
    public static async Task True(Func<Task<bool>> condition, TimeSpan? within = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if (await condition())
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Condition not met within {(within ?? TimeSpan.FromSeconds(30)).TotalSeconds} s: {because}");
            }
            await Task.Delay(100);
        }
    }
}
