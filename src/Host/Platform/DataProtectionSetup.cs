using System.Xml.Linq;
using Marten;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;
using Npgsql;
using Weasel.Postgresql.Tables;

namespace VssId.Host.Platform;

/// <summary>
/// ASP.NET Core Data Protection with its key ring in PostgreSQL (table <c>marten.data_protection_keys</c>),
/// so the API and worker processes — and a restarted one — read what the others encrypted (message
/// bodies with OTPs, forms with identity numbers). The ring is sealed with the KEK from configuration
/// (<see cref="KeyEncryptionKeys"/>); reading it re-seals what an earlier KEK (a rotation) or none (a
/// database from before the KEK) sealed, so a rotation completes on the next start.
/// </summary>
public static class DataProtectionSetup
{
    public static IServiceCollection AddVssIdDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("VssId");
        services.AddSingleton<KeyEncryptionKeys>();
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(o =>
        {
            var keys = sp.GetRequiredService<KeyEncryptionKeys>();
            o.XmlRepository = new PostgresXmlRepository(sp.GetRequiredService<NpgsqlDataSource>(), keys, sp.GetRequiredService<ILogger<KeyEncryptionKeys>>());
            o.XmlEncryptor = new KeyEncryptionKeyEncryptor(keys);
        }));
        services.ConfigureMarten(options =>
        {
            var keys = new Table("marten.data_protection_keys");
            keys.AddColumn("friendly_name", "text").AsPrimaryKey();
            keys.AddColumn("xml", "text").NotNull();
            options.Storage.ExtendedSchemaObjects.Add(keys);
        });
        return services;
    }

    private sealed class PostgresXmlRepository(NpgsqlDataSource dataSource, KeyEncryptionKeys keys, ILogger logger) : IXmlRepository
    {
        private static readonly XNamespace DataProtection = "http://schemas.asp.net/2015/03/dataProtection";

        public IReadOnlyCollection<XElement> GetAllElements()
        {
            using var connection = dataSource.OpenConnection();
            var rows = new List<(string Name, XElement Element)>();
            using (var select = new NpgsqlCommand("SELECT friendly_name, xml FROM marten.data_protection_keys", connection))
            using (var reader = select.ExecuteReader())
            {
                while (reader.Read())
                {
                    rows.Add((reader.GetString(0), XElement.Parse(reader.GetString(1))));
                }
            }
            var elements = new List<XElement>(rows.Count);
            foreach (var (name, element) in rows)
            {
                var resealed = Reseal(element);
                if (resealed is not null)
                {
                    using var update = new NpgsqlCommand("UPDATE marten.data_protection_keys SET xml = $2 WHERE friendly_name = $1", connection)
                    {
                        Parameters = { new() { Value = name }, new() { Value = resealed.ToString(SaveOptions.DisableFormatting) } },
                    };
                    update.ExecuteNonQuery();
                    logger.LogWarning("Data Protection key {Key} re-sealed with the current key-encryption key {Kek}", name, keys.CurrentId);
                }
                elements.Add(resealed ?? element);
            }
            return elements;
        }

        // The key with every secret sealed by the current KEK, or null when it already is. A secret in clear is
        // replaced the way Data Protection's own encryption does it (an encryptedSecret naming its decryptor).
        private XElement? Reseal(XElement key)
        {
            var copy = new XElement(key);
            var changed = false;
            foreach (var secret in copy.Descendants(DataProtection + "encryptedSecret").ToList())
            {
                // A KEK this process does not hold leaves its key alone: that key cannot be used here (Data Protection
                // passes over a key it cannot open), and re-sealing it is the job of a process that holds it.
                if (secret.Elements().FirstOrDefault() is { } sealedElement && KeyEncryptionKeys.SealedBy(sealedElement) is { } kek && kek != keys.CurrentId
                    && keys.Holds(kek))
                {
                    sealedElement.ReplaceWith(keys.Seal(keys.Open(sealedElement)));
                    changed = true;
                }
            }
            foreach (var clear in copy.Descendants().Where(e => (bool?)e.Attribute(DataProtection + "requiresEncryption") == true).ToList())
            {
                clear.ReplaceWith(new XElement(DataProtection + "encryptedSecret",
                    new XAttribute("decryptorType", typeof(KeyEncryptionKeyDecryptor).AssemblyQualifiedName!), keys.Seal(clear)));
                changed = true;
            }
            return changed ? copy : null;
        }

        public void StoreElement(XElement element, string friendlyName)
        {
            using var connection = dataSource.OpenConnection();
            using var insert = new NpgsqlCommand(
                "INSERT INTO marten.data_protection_keys (friendly_name, xml) VALUES ($1, $2) ON CONFLICT (friendly_name) DO NOTHING", connection)
            {
                Parameters = { new() { Value = friendlyName }, new() { Value = element.ToString(SaveOptions.DisableFormatting) } },
            };
            insert.ExecuteNonQuery();
        }
    }
}
