namespace VssId.BuildingBlocks.Privacy;

/// <summary>
/// A property holding a person's identifying data (name, birth date, identity number, phone, email, address): stored
/// sealed with the key of the <see cref="IDataSubject"/> it belongs to, so erasing that person's key erases it.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PersonalDataAttribute : Attribute;

/// <summary>
/// An object that says whose personal data it carries: the <see cref="PersonalDataAttribute"/> properties of it and of
/// the objects inside it are sealed with that person's key. Null: nobody's (a staff user) — stored as is.
/// </summary>
public interface IDataSubject
{
    /// <summary>The person's mã số BHXH.</summary>
    string? DataSubject { get; }
}

/// <summary>
/// An event that may name its person only through its stream: stored before it carried the mã số BHXH itself, it has
/// no subject of its own, and <see cref="SealStoredDataJob"/> gives it the one its stream's first event names.
/// </summary>
public interface INamesPersonThroughStream : IDataSubject
{
    /// <summary>The same event naming <paramref name="subject"/>.</summary>
    IDataSubject WithSubject(string subject);
}

/// <summary>
/// A person's keys are being shredded (published in-process by the erasure, inside its transaction): each module blanks
/// what its indexes keep of them in clear for its lists (names, masked or hashed phones). A handler writes through the
/// process's <c>NpgsqlDataSource</c>, one statement at a time, so that it joins that transaction; no Marten session.
/// Idempotent; a second erasure publishes it again.
/// </summary>
public sealed record PersonErased(string BhxhCode) : global::Mediator.INotification;
