namespace VssId.BuildingBlocks.Time;

/// <summary>Dates that depend on the calendar (age, "today", application numbers) are taken in Asia/Ho_Chi_Minh.</summary>
public static class VietnamTime
{
    /// <summary>The time zone of every calendar date the service computes.</summary>
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");

    /// <summary>The calendar date in Vietnam at <paramref name="instant"/>.</summary>
    public static DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);
}
