namespace VssId.BuildingBlocks.Errors;

/// <summary>
/// The one validation style (ADR 0010): a request is parsed into domain values, every field error is
/// collected here, and one 400 problem lists them all before anything is stored.
/// </summary>
public sealed class FieldErrors
{
    private readonly List<(string Field, FieldError Error)> _errors = [];

    /// <summary>How many field errors were recorded.</summary>
    public int Count => _errors.Count;

    /// <summary>Records that <paramref name="field"/> (camelCase JSON path) broke <paramref name="error"/>.</summary>
    public void Add(string field, FieldError error) => _errors.Add((field, error));

    /// <summary><paramref name="value"/> when parsed, else records the error for <paramref name="field"/> and returns null.</summary>
    public T? Require<T>(string field, T? value, FieldError error) where T : class
    {
        if (value is null)
        {
            Add(field, error);
        }
        return value;
    }

    /// <summary>Throws the 400 problem listing every recorded error, if any.</summary>
    public void ThrowIfAny()
    {
        if (Count > 0)
        {
            throw new ValidationProblemException(_errors.ToArray());
        }
    }
}
