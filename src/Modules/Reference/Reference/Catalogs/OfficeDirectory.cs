using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using VssId.Modules.Reference.Contracts;
using Weasel.Postgresql.Tables;

namespace VssId.Modules.Reference.Catalogs;

/// <summary>
/// The office catalog in force: the seed (<see cref="Offices"/>) with the offices administrators imported
/// (<c>reference.imported_offices</c>) laid over it. Lookups stay in memory; the process that imports reloads
/// at once, the others within <see cref="Refresh"/> (a minute).
/// </summary>
internal sealed class OfficeDirectory(NpgsqlDataSource database, ILogger<OfficeDirectory> logger) : BackgroundService, IOfficeCatalog
{
    public const string TableName = "reference.imported_offices";
    public static readonly TimeSpan Refresh = TimeSpan.FromMinutes(1);

    private volatile Offices _current = Offices.Instance;

    public Offices Current => _current;

    public static Table Table()
    {
        var table = new Table(TableName);
        table.AddColumn("code", "text").AsPrimaryKey();
        table.AddColumn("name", "text").NotNull();
        table.AddColumn("province_code", "text").NotNull();
        table.AddColumn("valid_from", "date");
        table.AddColumn("valid_to", "date");
        table.AddColumn("updated_at", "timestamp with time zone").NotNull();
        return table;
    }

    public OfficeInfo? FindActive(string code, DateOnly on) => _current.FindActive(code, on);

    public async Task Reload(CancellationToken cancellationToken)
    {
        var imported = new List<OfficeInfo>();
        await using var command = database.CreateCommand($"SELECT code, name, province_code, valid_from, valid_to FROM {TableName}");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var code = reader.GetString(0);
            // Office codes: "0" + province code for the province's office, two more digits per district office.
            imported.Add(new OfficeInfo(code, reader.GetString(1), code.Length <= 3 ? Offices.ProvinceLevel : Offices.DistrictLevel, reader.GetString(2), null,
                Derived: false, reader.IsDBNull(3) ? null : reader.GetFieldValue<DateOnly>(3), reader.IsDBNull(4) ? null : reader.GetFieldValue<DateOnly>(4)));
        }
        _current = Offices.Instance.With(imported);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Reload(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Could not read the imported offices; the catalog in force stays");
            }
            await Task.Delay(Refresh, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
