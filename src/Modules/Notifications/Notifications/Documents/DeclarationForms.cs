using System.Text.Json;
using System.Transactions;
using Hangfire;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using VssId.BuildingBlocks.Privacy;
using VssId.Modules.Notifications.Contracts;

using VssId.BuildingBlocks.Transactions;

namespace VssId.Modules.Notifications.Documents;

/// <summary><c>Documents</c> settings.</summary>
public sealed class DocumentOptions
{
    /// <summary>The public address the verification QR points to.</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:8080";
}

/// <summary>
/// Records a requested form and enqueues its rendering in one transaction; the document id is the
/// caller's, so a second request is a no-op. The form is kept encrypted (it holds identity numbers).
/// </summary>
internal sealed class DeclarationForms(
    NpgsqlDataSource dataSource,
    IBackgroundJobClient jobs,
    PersonKeys people,
    TimeProvider time) : IDeclarationForms
{
    public async Task<bool> Request(DeclarationFormV1 form, CancellationToken cancellationToken)
    {
        // Sealed with the declarant's own key before the transaction: erasing them makes the form and its PDF noise.
        var protectedForm = Convert.ToBase64String(await people.Seal(form.Declarant.BhxhCode, JsonSerializer.SerializeToUtf8Bytes(form), cancellationToken));
        using var scope = AmbientTransaction.Begin();
        int inserted;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO notifications.documents
                    (id, kind, status, form_protected, declarant_name, identity_masked, office_name, application_number, submitted_on, created_at, subject)
                VALUES ($1, $2, 'Pending', $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING
                """, connection)
            {
                Parameters =
                {
                    new() { Value = form.DocumentId }, new() { Value = form.Kind }, new() { Value = protectedForm },
                    new() { Value = form.Declarant.FullName },
                    new() { Value = (object?)MaskIdentity(form.Declarant.IdentityNumber) ?? DBNull.Value },
                    new() { Value = form.OfficeName }, new() { Value = form.ApplicationNumber }, new() { Value = form.SubmittedOn },
                    new() { Value = time.GetUtcNow() }, new() { Value = form.Declarant.BhxhCode },
                },
            };
            inserted = await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        if (inserted > 0)
        {
            jobs.Enqueue<RenderDeclarationFormJob>(job => job.Run(form.DocumentId, CancellationToken.None));
        }
        scope.Complete();
        return inserted > 0;
    }

    public async Task<StoredDeclarationForm> Get(Guid documentId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = new NpgsqlCommand("SELECT status, content FROM notifications.documents WHERE id = $1", connection)
        {
            Parameters = { new() { Value = documentId } },
        };
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return new StoredDeclarationForm(DeclarationFormStatus.Unknown, null);
        }
        switch (reader.GetString(0))
        {
            case "Erased":
                return new StoredDeclarationForm(DeclarationFormStatus.Erased, null);
            case not "Ready":
                return new StoredDeclarationForm(DeclarationFormStatus.Pending, null);
        }
        return await people.Open((byte[])reader[1], cancellationToken) is { } pdf
            ? new StoredDeclarationForm(DeclarationFormStatus.Ready, pdf)
            : new StoredDeclarationForm(DeclarationFormStatus.Erased, null);
    }

    /// <summary>"079090001234" → "079******234": enough to recognise, not enough to use.</summary>
    public static string? MaskIdentity(string? number) =>
        number is null ? null : number.Length <= 6 ? new string('*', number.Length) : number[..3] + new string('*', number.Length - 6) + number[^3..];
}

/// <summary>Renders and stores one requested form; running twice renders once.</summary>
public sealed class RenderDeclarationFormJob(
    NpgsqlDataSource dataSource,
    PersonKeys people,
    IDataProtectionProvider protection,
    DocumentToken tokens,
    IOptions<DocumentOptions> options,
    TimeProvider time,
    ILogger<RenderDeclarationFormJob> logger)
{
    [AutomaticRetry(Attempts = 5)]
    [JobDisplayName("Render Mẫu 01 {0}")]
    public async Task Run(Guid documentId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        string? protectedForm;
        await using (var select = new NpgsqlCommand(
            "SELECT form_protected FROM notifications.documents WHERE id = $1 AND status = 'Pending' FOR UPDATE SKIP LOCKED", connection, transaction)
            { Parameters = { new() { Value = documentId } } })
        {
            protectedForm = await select.ExecuteScalarAsync(cancellationToken) as string;
        }
        if (protectedForm is null)
        {
            return;
        }
        if (await StoredForms.Open(protectedForm, people, protection, cancellationToken) is not { } formJson)
        {
            // Never rendered now: marked so that a download answers "gone" instead of "come back later".
            await using (var erased = new NpgsqlCommand("UPDATE notifications.documents SET status = 'Erased' WHERE id = $1", connection, transaction)
                { Parameters = { new() { Value = documentId } } })
            {
                await erased.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            logger.LogWarning("Mẫu 01 {DocumentId} not rendered: its person was erased", documentId);
            return;
        }
        var form = JsonSerializer.Deserialize<DeclarationFormV1>(formJson)!;
        var url = $"{options.Value.PublicBaseUrl.TrimEnd('/')}/api/v1/documents/verify?token={tokens.Create(documentId)}";
        var pdf = await people.Seal(form.Declarant.BhxhCode, DeclarationFormRenderer.Render(form, url), cancellationToken);
        await using (var update = new NpgsqlCommand(
            "UPDATE notifications.documents SET status = 'Ready', content = $2, rendered_at = $3 WHERE id = $1", connection, transaction)
            { Parameters = { new() { Value = documentId }, new() { Value = pdf }, new() { Value = time.GetUtcNow() } } })
        {
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Rendered Mẫu 01 {DocumentId} ({Kind}, {Bytes} bytes)", documentId, form.Kind, pdf.Length);
    }

}

/// <summary>A stored form as it was requested, or null when its person was erased.</summary>
internal static class StoredForms
{
    // A form requested before per-person sealing was protected with Data Protection: it still opens.
    public static async Task<byte[]?> Open(string stored, PersonKeys people, IDataProtectionProvider protection, CancellationToken cancellationToken)
    {
        var bytes = new byte[stored.Length];
        if (Convert.TryFromBase64String(stored, bytes, out var length) && PersonKeys.IsSealed(bytes.AsSpan(0, length)))
        {
            return await people.Open(bytes[..length], cancellationToken);
        }
        return System.Text.Encoding.UTF8.GetBytes(protection.CreateProtector("VssId.Notifications.DeclarationForm").Unprotect(stored));
    }
}
