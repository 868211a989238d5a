namespace VssId.Tests.Infrastructure;

/// <summary>A bounded probe for asynchronous outcomes: polls until true or fails at the deadline.</summary>
public static class Eventually
{
    // Most outcomes go through a Hangfire job. A job that fails outside its own try (a pool timeout while parallel
    // fixtures load the two cores) is re-enqueued by the minutely sweep once 30 s overdue: up to 90 s, by design. Two CI runs
    // failed on a 30-s wait for a message (the cause was not proven; this path fits). A passing test waits no longer.
    private static readonly TimeSpan Default = TimeSpan.FromSeconds(90);

    public static async Task True(Func<Task<bool>> condition, TimeSpan? within = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (within ?? Default);
        while (true)
        {
            if (await condition())
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Condition not met within {(within ?? Default).TotalSeconds} s: {because}");
            }
            await Task.Delay(100);
        }
    }
}
