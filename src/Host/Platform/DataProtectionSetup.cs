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
/// bodies with OTPs, forms with identity numbers).
/// </summary>
public static class DataProtectionSetup
{
    public static IServiceCollection AddVssIdDataProtection(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("VssId");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(o =>
            o.XmlRepository = new PostgresXmlRepository(sp.GetRequiredService<NpgsqlDataSource>())));
        services.ConfigureMarten(options =>
        {
            var keys = new Table("marten.data_protection_keys");
            keys.AddColumn("friendly_name", "text").AsPrimaryKey();
            keys.AddColumn("xml", "text").NotNull();
            options.Storage.ExtendedSchemaObjects.Add(keys);
        });
        return services;
    }

    private sealed class PostgresXmlRepository(NpgsqlDataSource dataSource) : IXmlRepository
    {
        public IReadOnlyCollection<XElement> GetAllElements()
        {
            using var connection = dataSource.OpenConnection();
            using var select = new NpgsqlCommand("SELECT xml FROM marten.data_protection_keys", connection);
            using var reader = select.ExecuteReader();
            var elements = new List<XElement>();
            while (reader.Read())
            {
                elements.Add(XElement.Parse(reader.GetString(0)));
            }
            return elements;
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
