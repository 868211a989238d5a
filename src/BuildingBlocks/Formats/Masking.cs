namespace VssId.BuildingBlocks.Formats;

/// <summary>How a number is shown to someone who may recognise it but must not be able to use it (a school, a verifier).</summary>
public static class Masking
{
    /// <summary>"0912345678" → "091****678"; 6 characters or fewer are hidden whole.</summary>
    public static string Middle(string number) =>
        number.Length <= 6 ? new string('*', number.Length) : number[..3] + new string('*', number.Length - 6) + number[^3..];
}
