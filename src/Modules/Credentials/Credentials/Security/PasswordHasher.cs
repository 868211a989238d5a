using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace VssId.Modules.Credentials.Security;

/// <summary>
/// Argon2id through libsodium (NSec), at OWASP's minimum for Argon2id: m = 19 MiB, t = 2, p = 1 (ADR 0011
/// has the measured cost). The stored form is PHC-like, <c>$argon2id$v=19$m=19456,t=2,p=1$salt$hash</c>,
/// so raising the parameters later re-hashes at the next login without a migration.
/// </summary>
public sealed class PasswordHasher : IDisposable
{
    public const int MemoryKiB = 19 * 1024;
    public const int Passes = 2;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    private static readonly PasswordBasedKeyDerivationAlgorithm Argon2id = PasswordBasedKeyDerivationAlgorithm.Argon2id(
        new Argon2Parameters { DegreeOfParallelism = 1, MemorySize = MemoryKiB, NumberOfPasses = Passes });

    private readonly string _dummy;

    // At most one hash per core at a time: 16 interleaved hashes of 19 MiB each thrash the caches and, under a
    // flood of logins, would take 19 MiB per request; queued, each runs at full speed and memory stays bounded.
    private readonly SemaphoreSlim _cores = new(Environment.ProcessorCount);

    public PasswordHasher()
    {
        // Verified against when the user name is unknown, so an unknown name costs the same time as a wrong password.
        _dummy = Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));
    }

    public void Dispose() => _cores.Dispose();

    /// <summary>Hashes <paramref name="password"/> when a core is free.</summary>
    public Task<string> HashAsync(string password, CancellationToken cancellationToken) => Gated(() => Hash(password), cancellationToken);

    /// <summary>Checks <paramref name="password"/> when a core is free.</summary>
    public Task<bool> VerifyAsync(string password, string stored, CancellationToken cancellationToken) => Gated(() => Verify(password, stored), cancellationToken);

    /// <summary>Spends the time of one verification, for a user name that does not exist.</summary>
    public Task VerifyDummyAsync(string password, CancellationToken cancellationToken) => Gated(() => Verify(password, _dummy), cancellationToken);

    private async Task<T> Gated<T>(Func<T> work, CancellationToken cancellationToken)
    {
        await _cores.WaitAsync(cancellationToken);
        try
        {
            return work();
        }
        finally
        {
            _cores.Release();
        }
    }

    /// <summary>One hash now, on the calling thread (ungated: the benchmark's raw rate).</summary>
    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, MemoryKiB, Passes);
        return string.Create(CultureInfo.InvariantCulture,
            $"$argon2id$v=19$m={MemoryKiB},t={Passes},p=1${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>Checks <paramref name="password"/> now, on the calling thread (ungated); an empty or unreadable stored hash never matches.</summary>
    public bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts is not ["", "argon2id", "v=19", var parameters, var saltText, var hashText]
            || !TryParameters(parameters, out var memory, out var passes))
        {
            return false;
        }
        var salt = Convert.FromBase64String(saltText);
        var expected = Convert.FromBase64String(hashText);
        return CryptographicOperations.FixedTimeEquals(Derive(password, salt, memory, passes), expected);
    }

    private static byte[] Derive(string password, byte[] salt, int memoryKiB, int passes)
    {
        var algorithm = memoryKiB == MemoryKiB && passes == Passes
            ? Argon2id
            : PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters { DegreeOfParallelism = 1, MemorySize = memoryKiB, NumberOfPasses = passes });
        return algorithm.DeriveBytes(Encoding.UTF8.GetBytes(password.Normalize(NormalizationForm.FormC)), salt, HashBytes);
    }

    private static bool TryParameters(string text, out int memory, out int passes)
    {
        memory = passes = 0;
        var values = text.Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
        return values.TryGetValue("m", out var m) && int.TryParse(m, CultureInfo.InvariantCulture, out memory)
            && values.TryGetValue("t", out var t) && int.TryParse(t, CultureInfo.InvariantCulture, out passes)
            && memory is >= 8 and <= 1 << 22 && passes is >= 1 and <= 10;
    }
}
