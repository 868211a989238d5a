using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace VssId.Host.Platform;

/// <summary>
/// The key-encryption key (KEK) that wraps the Data Protection key ring at rest: <c>DataProtection:KeyEncryptionKey</c>
/// (base64, 32 bytes), with <c>DataProtection:PreviousKeyEncryptionKeys</c> kept only while a rotation is under
/// way. A dump of the database alone then decrypts nothing: the key ring in it is sealed with a key that lives
/// in configuration (a secret store), not beside it. AES-256-GCM from the platform; each sealed element names
/// the KEK that sealed it by a fingerprint, never the key.
/// </summary>
public sealed class KeyEncryptionKeys
{
    private static readonly XName Sealed = "sealedKey";
    private readonly Dictionary<string, byte[]> _all = [];

    public KeyEncryptionKeys(IConfiguration configuration)
    {
        var current = Parse(configuration["DataProtection:KeyEncryptionKey"], "DataProtection:KeyEncryptionKey")
            ?? throw new InvalidOperationException(
                "DataProtection:KeyEncryptionKey is not set: give it 32 random bytes in base64 (e.g. `openssl rand -base64 32`). It seals the key ring in the database.");
        CurrentId = Fingerprint(current);
        _all[CurrentId] = current;
        foreach (var previous in configuration.GetSection("DataProtection:PreviousKeyEncryptionKeys").GetChildren())
        {
            var key = Parse(previous.Value, previous.Path)!;
            _all.TryAdd(Fingerprint(key), key);
        }
    }

    /// <summary>The fingerprint of the KEK that seals new keys.</summary>
    public string CurrentId { get; }

    /// <summary>Whether the KEK of this fingerprint is configured (current or previous).</summary>
    public bool Holds(string id) => _all.ContainsKey(id);

    /// <summary>The fingerprint of the KEK that sealed <paramref name="element"/>, or null when it is not a sealed key.</summary>
    public static string? SealedBy(XElement element) => element.Name == Sealed ? (string?)element.Attribute("kek") : null;

    public XElement Seal(XElement plaintext)
    {
        var key = _all[CurrentId];
        var data = Encoding.UTF8.GetBytes(plaintext.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        var cipher = new byte[data.Length];
        using (var aes = new AesGcm(key, tag.Length))
        {
            aes.Encrypt(nonce, data, cipher, tag, Encoding.ASCII.GetBytes(CurrentId));
        }
        CryptographicOperations.ZeroMemory(data);
        return new XElement(Sealed, new XAttribute("kek", CurrentId), new XAttribute("alg", "A256GCM"),
            Convert.ToBase64String([.. nonce, .. tag, .. cipher]));
    }

    public XElement Open(XElement sealedElement)
    {
        var id = SealedBy(sealedElement) ?? throw new CryptographicException("Not a sealed Data Protection key.");
        if (!_all.TryGetValue(id, out var key))
        {
            throw new CryptographicException($"The key ring was sealed with KEK {id}, which is not configured (DataProtection:PreviousKeyEncryptionKeys).");
        }
        var bytes = Convert.FromBase64String(sealedElement.Value);
        var nonceSize = AesGcm.NonceByteSizes.MaxSize;
        var tagSize = AesGcm.TagByteSizes.MaxSize;
        var plain = new byte[bytes.Length - nonceSize - tagSize];
        using (var aes = new AesGcm(key, tagSize))
        {
            aes.Decrypt(bytes.AsSpan(0, nonceSize), bytes.AsSpan(nonceSize + tagSize), bytes.AsSpan(nonceSize, tagSize), plain, Encoding.ASCII.GetBytes(id));
        }
        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(plain));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    private static byte[]? Parse(string? value, string name)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        byte[] key;
        try
        {
            key = Convert.FromBase64String(value);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{name} is not base64.");
        }
        return key.Length == 32 ? key : throw new InvalidOperationException($"{name} must be 32 bytes (it has {key.Length}).");
    }

    private static string Fingerprint(byte[] key) => Convert.ToHexStringLower(SHA256.HashData([.. "vssid-kek\n"u8, .. key]))[..16];
}

/// <summary>Seals each secret of a new Data Protection key with the current KEK.</summary>
internal sealed class KeyEncryptionKeyEncryptor(KeyEncryptionKeys keys) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement) => new(keys.Seal(plaintextElement), typeof(KeyEncryptionKeyDecryptor));
}

/// <summary>Opens a sealed secret; created by Data Protection with the service provider.</summary>
public sealed class KeyEncryptionKeyDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) => services.GetRequiredService<KeyEncryptionKeys>().Open(encryptedElement);
}
