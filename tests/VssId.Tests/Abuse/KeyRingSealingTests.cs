using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using VssId.Tests.Infrastructure;

namespace VssId.Tests.Abuse;

/// <summary>
/// Issue 13 item 11: the Data Protection key ring in the database is sealed with a key-encryption key from
/// configuration, so a dump alone decrypts nothing; a rotation re-seals the ring on the next start.
/// </summary>
public sealed class KeyRingSealingTests
{
    private const string Purpose = "VssId.Tests.KeyRing";
    private static readonly string Kek1 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string Kek2 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static VssIdApp App(string database, string kek, params string[] previous)
    {
        var settings = new Dictionary<string, string?> { ["DataProtection:KeyEncryptionKey"] = kek };
        for (var i = 0; i < previous.Length; i++)
        {
            settings[$"DataProtection:PreviousKeyEncryptionKeys:{i}"] = previous[i];
        }
        return new VssIdApp(database, new VssIdAppOptions { Roles = "api", Settings = settings });
    }

    // Test databases are copies of a migrated template, whose ring already holds a key: start from none.
    private static async Task<string> EmptyRing()
    {
        var database = await TestPostgres.CreateDatabaseAsync();
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var delete = new NpgsqlCommand("DELETE FROM marten.data_protection_keys", connection);
        await delete.ExecuteNonQueryAsync();
        return database;
    }

    private static async Task<List<string>> Ring(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var select = new NpgsqlCommand("SELECT xml FROM marten.data_protection_keys", connection);
        await using var reader = await select.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }
        return rows;
    }

    private static string Fingerprints(IEnumerable<string> ring) =>
        string.Join(",", ring.SelectMany(x => XElement.Parse(x).Descendants("sealedKey")).Select(e => (string)e.Attribute("kek")!).Distinct().Order());

    [Fact]
    public async Task The_ring_holds_no_key_in_clear_a_rotation_reseals_it_and_another_kek_opens_nothing()
    {
        var database = await EmptyRing();
        string payload;
        await using (var first = App(database, Kek1))
        {
            payload = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Protect("mã số 0120169123");
            var ring = await Ring(first.ConnectionString);
            Assert.NotEmpty(ring);
            Assert.All(ring, xml => Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal));
        }
        var sealedBy1 = Fingerprints(await Ring(database));
        Assert.Single(sealedBy1.Split(','));

        // Rotation: the new KEK first, the old one beside it for one start; the ring is re-sealed on reading.
        await using (var rotating = App(database, Kek2, Kek1))
        {
            Assert.Equal("mã số 0120169123", rotating.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Unprotect(payload));
        }
        var sealedBy2 = Fingerprints(await Ring(database));
        Assert.NotEqual(sealedBy1, sealedBy2);
        await using (var rotated = App(database, Kek2))
        {
            Assert.Equal("mã số 0120169123", rotated.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Unprotect(payload));
        }

        // The database with any other KEK (a dump in the wrong hands) opens nothing.
        await using var stranger = App(database, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        Assert.ThrowsAny<CryptographicException>(() => stranger.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Unprotect(payload));
    }

    private sealed class Memory : IXmlRepository
    {
        public List<XElement> Elements { get; } = [];

        public IReadOnlyCollection<XElement> GetAllElements() => Elements;

        public void StoreElement(XElement element, string friendlyName) => Elements.Add(element);
    }

    [Fact]
    public async Task A_key_stored_in_clear_before_the_kek_is_sealed_on_the_next_start_and_still_opens_its_data()
    {
        // What a database from before this change holds: a key written without any encryptor.
        var clear = new Memory();
        var legacy = new ServiceCollection();
        legacy.AddDataProtection().SetApplicationName("VssId");
        legacy.Configure<KeyManagementOptions>(o => o.XmlRepository = clear);
        string payload;
        await using (var provider = legacy.BuildServiceProvider())
        {
            payload = provider.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Protect("số điện thoại 0352153123");
        }
        var key = Assert.Single(clear.Elements);
        Assert.Contains("<masterKey", key.ToString(), StringComparison.Ordinal);

        var database = await EmptyRing();
        await using (var app = App(database, Kek1))
        {
            _ = app.Services;
            await using var connection = new NpgsqlConnection(app.ConnectionString);
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand("INSERT INTO marten.data_protection_keys (friendly_name, xml) VALUES ($1, $2)", connection)
            {
                Parameters = { new() { Value = "key-" + (string)key.Attribute("id")! }, new() { Value = key.ToString(SaveOptions.DisableFormatting) } },
            };
            await insert.ExecuteNonQueryAsync();
        }
        await using (var app = App(database, Kek1))
        {
            Assert.Equal("số điện thoại 0352153123", app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Unprotect(payload));
            Assert.All(await Ring(app.ConnectionString), xml => Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal));
        }
    }
}
