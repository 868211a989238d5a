using System.Text.Json;
using Hangfire;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Npgsql;
using VssId.BuildingBlocks.Privacy;
using VssId.Modules.Notifications.Contracts;

namespace VssId.Modules.Notifications.Documents;

/// <summary>
/// Forms requested before <c>notifications.documents</c> named their declarant: the mã số BHXH is read from the stored
/// form into <c>subject</c>, so that an erasure finds them. A form whose declarant was erased after it was requested (it
/// no longer opens, or its declarant has an erasure since) loses its name and masked identity number here instead.
/// Hourly, in batches until none is left; a row is read once.
/// </summary>
/// <remarks>
/// An erasure committing while a row is being named can miss that row (its subject was not set yet when the erasure
/// looked): the window is one statement long, and only for forms requested before the column existed.
/// </remarks>
public sealed class NameStoredDocumentsJob(NpgsqlDataSource dataSource, PersonKeys people, IDataProtectionProvider protection,
    ILogger<NameStoredDocumentsJob> logger)
{
    private const int Batch = 500;

    [AutomaticRetry(Attempts = 3)]
    [JobDisplayName("Name the declarants of forms stored before they were named")]
    public async Task<int> Run(CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            var rows = new List<(Guid Id, string Form, DateTimeOffset CreatedAt)>();
            await using (var select = dataSource.CreateCommand(
                $"SELECT id, form_protected, created_at FROM notifications.documents WHERE subject IS NULL ORDER BY id LIMIT {Batch}"))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows.Add((reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2)));
                }
            }
            foreach (var (id, form, createdAt) in rows)
            {
                var opened = await StoredForms.Open(form, people, protection, cancellationToken);
                var subject = opened is null ? "" : JsonSerializer.Deserialize<DeclarationFormV1>(opened)!.Declarant.BhxhCode;
                // Erased since the form was requested: by a shredded key, or by a tombstone for a form Data Protection kept.
                await using var name = dataSource.CreateCommand($"""
                    UPDATE notifications.documents d SET subject = $2,
                        declarant_name = CASE WHEN e.erased THEN '' ELSE d.declarant_name END,
                        identity_masked = CASE WHEN e.erased THEN NULL ELSE d.identity_masked END
                    FROM (SELECT $2 = '' OR EXISTS (SELECT 1 FROM {PersonKeys.TableName} k
                          WHERE k.subject = $2 AND k.shredded_at >= $3)) AS e(erased)
                    WHERE d.id = $1 AND d.subject IS NULL
                    """);
                name.Parameters.Add(new NpgsqlParameter { Value = id });
                name.Parameters.Add(new NpgsqlParameter { Value = subject });
                name.Parameters.Add(new NpgsqlParameter { Value = createdAt });
                await name.ExecuteNonQueryAsync(cancellationToken);
            }
            total += rows.Count;
            if (rows.Count < Batch)
            {
                break;
            }
        }
        if (total > 0)
        {
            logger.LogInformation("{Count} stored forms given their declarant", total);
        }
        return total;
    }
}
