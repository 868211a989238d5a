using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace VssId.BuildingBlocks.Privacy;

/// <summary>
/// Seals personal data inside stored JSON (Marten's events and documents, issue 13 item 12): every
/// <see cref="PersonalDataAttribute"/> property is written as <c>"sealed:…"</c> (AES-256-GCM with its
/// <see cref="IDataSubject"/>'s key, <see cref="PersonKeys"/>) and opened on reading. Everything else — ids, times,
/// statuses, codes — stays in clear, so streams, projections and queries keep working, and an erased person's events
/// still load: their sealed fields read as empty (a birth date as <see cref="DateOnly.MinValue"/>).
/// A value stored before sealing existed is read as it is.
/// </summary>
/// <remarks>
/// The subject is known to the object that carries the data (a declaration names its mã số BHXH), not to the
/// property's converter, so the objects announce it while they are written: a per-thread stack pushed by
/// <see cref="JsonTypeInfo.OnSerializing"/> and popped by <see cref="JsonTypeInfo.OnSerialized"/>. That holds because
/// Marten serializes an event or a document synchronously, on one thread. A personal property written outside any
/// subject is a programming error and fails the write rather than storing it in clear.
/// </remarks>
public sealed class PersonalDataSealing(Func<PersonKeys> keys)
{
    public const string Prefix = "sealed:";

    // The objects being written that carry a subject, innermost on top.
    [ThreadStatic]
    private static Stack<(IDataSubject Carrier, string? Subject)>? _carriers;

    // Keys made for a save, on the objects of that save: its own transaction inserts them (PersonKeyListener).
    private readonly ConditionalWeakTable<object, PersonKeys.NewKey> _madeFor = new();

    /// <summary>
    /// Whose personal data <paramref name="values"/> hold, and in which objects: the carriers (<see cref="IDataSubject"/>
    /// with a subject) around a personal property, found by walking the values' properties — what the serializer will
    /// seal, without serializing (a second serialization per save cost more than the walk, bench/run.sh registration).
    /// </summary>
    public static IReadOnlyDictionary<string, List<object>> CarriersIn(IEnumerable<object> values)
    {
        // A write that threw midway left its carriers on this thread's stack; nothing is being written here now.
        _carriers?.Clear();
        var found = new Dictionary<string, List<object>>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            Walk(value, null, found);
        }
        return found;
    }

    private static void Walk(object value, IDataSubject? carrier, Dictionary<string, List<object>> found)
    {
        var shape = Shape.Of(value.GetType());
        if (!shape.Holds)
        {
            return;
        }
        if (value is IDataSubject subject)
        {
            carrier = subject;
        }
        if (carrier?.DataSubject is { } person && shape.Personal.Any(property => property.GetValue(value) is not null))
        {
            var list = found.TryGetValue(person, out var known) ? known : found[person] = [];
            // By reference: the serializer finds a save's key by object (records with equal values are still two carriers).
            if (!list.Exists(known => ReferenceEquals(known, carrier)))
            {
                list.Add(carrier);
            }
        }
        foreach (var property in shape.Inner)
        {
            switch (property.GetValue(value))
            {
                case null or string:
                    break;
                case System.Collections.IEnumerable items:
                    foreach (var item in items)
                    {
                        if (item is not null)
                        {
                            Walk(item, carrier, found);
                        }
                    }
                    break;
                case { } inner:
                    Walk(inner, carrier, found);
                    break;
            }
        }
    }

    /// <summary>What of a type can hold personal data: its own personal properties, and those whose values may hold some.</summary>
    private sealed record Shape(bool Holds, System.Reflection.PropertyInfo[] Personal, System.Reflection.PropertyInfo[] Inner)
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Shape> Known = new();

        public static Shape Of(Type type) => Known.GetOrAdd(type, static t =>
        {
            var properties = PersonalDataSealing.Holds(t) ? t.GetProperties().Where(p => p.GetIndexParameters().Length == 0).ToArray() : [];
            return new Shape(properties.Length > 0,
                [.. properties.Where(p => p.IsDefined(typeof(PersonalDataAttribute), inherit: true))],
                [.. properties.Where(p => !p.IsDefined(typeof(PersonalDataAttribute), inherit: true) && PersonalDataSealing.Holds(p.PropertyType))]);
        });
    }

    /// <summary>
    /// The objects of a save are sealed, when it writes them, with the key <paramref name="made"/> holds for their
    /// person, or else with the person's stored key — never with a key an earlier, failed save made for the same object.
    /// </summary>
    public void SealWith(IReadOnlyDictionary<string, List<object>> carriers, IReadOnlyList<PersonKeys.NewKey> made)
    {
        foreach (var (subject, objects) in carriers)
        {
            var key = made.FirstOrDefault(k => k.Subject == subject);
            foreach (var carrier in objects)
            {
                if (key is null)
                {
                    _madeFor.Remove(carrier);
                }
                else
                {
                    _madeFor.AddOrUpdate(carrier, key);
                }
            }
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, bool> HoldsByType = new();

    /// <summary>Whether values of <paramref name="type"/> may hold personal data (a <see cref="PersonalDataAttribute"/> property anywhere inside).</summary>
    public static bool Holds(Type type) => HoldsByType.GetOrAdd(type, static t => Holds(t, []));

    private static bool Holds(Type type, HashSet<Type> seen)
    {
        if (type.IsPrimitive || type == typeof(string) || type.Namespace?.StartsWith("System", StringComparison.Ordinal) == true && !type.IsGenericType
            || !seen.Add(type))
        {
            return false;
        }
        if (type.IsGenericType)
        {
            return type.GetGenericArguments().Any(t => Holds(t, seen));
        }
        return type.GetProperties().Any(p => p.IsDefined(typeof(PersonalDataAttribute), inherit: true) || Holds(p.PropertyType, seen));
    }

    /// <summary>A contract modifier (<see cref="JsonTypeInfoResolver.WithAddedModifier"/>).</summary>
    public void Modify(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }
        if (type.Type.IsAssignableTo(typeof(IDataSubject)))
        {
            var serializing = type.OnSerializing;
            var serialized = type.OnSerialized;
            type.OnSerializing = value =>
            {
                serializing?.Invoke(value);
                var carrier = (IDataSubject)value;
                (_carriers ??= new()).Push((carrier, carrier.DataSubject));
            };
            type.OnSerialized = value =>
            {
                _carriers!.Pop();
                serialized?.Invoke(value);
            };
        }
        foreach (var property in type.Properties)
        {
            if (property.AttributeProvider?.IsDefined(typeof(PersonalDataAttribute), inherit: true) != true)
            {
                continue;
            }
            property.CustomConverter = property.PropertyType == typeof(string) ? new SealedString(this)
                : property.PropertyType == typeof(DateOnly) ? new SealedDate(this)
                : throw new NotSupportedException($"{type.Type.Name}.{property.Name}: personal data is sealed as a string or a date only.");
        }
    }

    private string Seal(string plaintext)
    {
        if (_carriers is not { Count: > 0 } carriers)
        {
            throw new InvalidOperationException("Personal data written outside an IDataSubject: it would be stored in clear.");
        }
        var (carrier, subject) = carriers.Peek();
        if (subject is null)
        {
            return plaintext;
        }
        var bytes = Encoding.UTF8.GetBytes(plaintext);
        return Prefix + Convert.ToBase64String(_madeFor.TryGetValue(carrier, out var made) && made.Subject == subject
            ? PersonKeys.Seal(made, bytes)
            : keys().SealNow(subject, bytes));
    }

    /// <summary>The stored text opened; null when its person was erased.</summary>
    private string? Open(string stored) =>
        !stored.StartsWith(Prefix, StringComparison.Ordinal) ? stored
        : keys().OpenNow(Convert.FromBase64String(stored[Prefix.Length..])) is { } plaintext ? Encoding.UTF8.GetString(plaintext)
        : null;

    private sealed class SealedString(PersonalDataSealing sealing) : JsonConverter<string>
    {
        public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            sealing.Open(reader.GetString()!) ?? "";

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
            writer.WriteStringValue(sealing.Seal(value));
    }

    private sealed class SealedDate(PersonalDataSealing sealing) : JsonConverter<DateOnly>
    {
        public override DateOnly Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            sealing.Open(reader.GetString()!) is { } text ? DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture) : DateOnly.MinValue;

        public override void Write(Utf8JsonWriter writer, DateOnly value, JsonSerializerOptions options) =>
            writer.WriteStringValue(sealing.Seal(value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
    }
}
