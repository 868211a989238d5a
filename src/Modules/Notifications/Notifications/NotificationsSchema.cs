using Marten;
using Weasel.Postgresql.Tables;

namespace VssId.Modules.Notifications;

/// <summary>
/// The module's tables, created and migrated by Marten with the rest of the schema. They are plain
/// tables rather than documents because the guarantees live in SQL: a primary key on the message id
/// (never sent twice), row locks while a message is being sent, and counts for the rate limits.
/// </summary>
internal static class NotificationsSchema
{
    public const string Schema = "notifications";

    public static void Add(StoreOptions options)
    {
        var messages = new Table($"{Schema}.messages");
        messages.AddColumn<Guid>("id").AsPrimaryKey();
        messages.AddColumn("channel", "text").NotNull();
        // The recipient: sealed with the key of the person the message is about (the first of people), in clear for a
        // message about nobody (a code to a typed-in phone); masked once the retention period is over.
        messages.AddColumn("to_address", "text").NotNull();
        // HMAC of the recipient (Recipients), to find a phone's or an address's messages; gone at the retention period.
        messages.AddColumn("to_key", "text");
        // The recipient as support and the logs may see it (091*****67, a***@example.vn).
        messages.AddColumn("to_masked", "text");
        messages.AddColumn("template", "text").NotNull();
        messages.AddColumn("subject", "text");
        // The body as the user will read it, encrypted with Data Protection until sent; for templates
        // that carry a secret (OTP, password) it is erased once sent and only the redacted copy remains.
        messages.AddColumn("body_protected", "text");
        messages.AddColumn("body_redacted", "text").NotNull();
        messages.AddColumn("attachments", "jsonb").NotNull();
        messages.AddColumn("sensitive", "boolean").NotNull();
        messages.AddColumn("status", "text").NotNull();
        messages.AddColumn("attempts", "integer").NotNull();
        messages.AddColumn("segments", "integer");
        messages.AddColumn("last_error", "text");
        messages.AddColumn("created_at", "timestamptz").NotNull();
        messages.AddColumn("sent_at", "timestamptz");
        // When the scheduled retry of a Retrying message is due: the sweeper's proof that it was lost.
        messages.AddColumn("next_attempt_at", "timestamptz");
        // The mã số BHXH of the people a message is about: an erasure blanks their messages (ADR 16).
        messages.AddColumn("people", "text[]");
        messages.Indexes.Add(new IndexDefinition("ix_messages_recipient") { Columns = ["to_key", "created_at"], Predicate = "to_key IS NOT NULL" });
        messages.Indexes.Add(new IndexDefinition("ix_messages_people") { Columns = ["people"], Method = IndexMethod.gin, Predicate = "people IS NOT NULL" });
        messages.Indexes.Add(new IndexDefinition("ix_messages_channel_created") { Columns = ["channel", "created_at"] });
        messages.Indexes.Add(new IndexDefinition("ix_messages_unsent") { Columns = ["created_at"], Predicate = "status IN ('Pending', 'Retrying')" });

        // What the development "outbox" provider delivered: exactly once, by primary key.
        var outbox = new Table($"{Schema}.outbox");
        outbox.AddColumn<Guid>("id").AsPrimaryKey();
        outbox.AddColumn("channel", "text").NotNull();
        outbox.AddColumn("to_address", "text").NotNull();
        outbox.AddColumn("subject", "text");
        outbox.AddColumn("body", "text").NotNull();
        outbox.AddColumn("attachments", "jsonb").NotNull();
        outbox.AddColumn("created_at", "timestamptz").NotNull();
        outbox.Indexes.Add(new IndexDefinition("ix_outbox_to_created") { Columns = ["to_address", "created_at"] });

        var codes = new Table($"{Schema}.one_time_codes");
        codes.AddColumn<Guid>("id").AsPrimaryKey();
        codes.AddColumn("purpose", "text").NotNull();
        codes.AddColumn("target", "text").NotNull();
        codes.AddColumn("code_hash", "bytea").NotNull();
        codes.AddColumn("created_at", "timestamptz").NotNull();
        codes.AddColumn("expires_at", "timestamptz").NotNull();
        codes.AddColumn("attempts", "integer").NotNull();
        codes.AddColumn("consumed_at", "timestamptz");
        // HMACs of the phone and of the caller's address block: counted for the limits, never readable.
        codes.AddColumn("phone_key", "bytea");
        codes.AddColumn("phone_verified", "boolean").NotNull().DefaultValueByExpression("false");
        codes.AddColumn("address_key", "bytea");
        codes.Indexes.Add(new IndexDefinition("ix_codes_target") { Columns = ["purpose", "target", "created_at"] });
        codes.Indexes.Add(new IndexDefinition("ix_codes_phone") { Columns = ["phone_key", "created_at"] });
        codes.Indexes.Add(new IndexDefinition("ix_codes_address") { Columns = ["address_key", "created_at"] });

        var documents = new Table($"{Schema}.documents");
        documents.AddColumn<Guid>("id").AsPrimaryKey();
        documents.AddColumn("kind", "text").NotNull();
        documents.AddColumn("status", "text").NotNull();
        // The form holds identity numbers: encrypted at rest; what verification shows is kept beside it.
        documents.AddColumn("form_protected", "text").NotNull();
        documents.AddColumn("declarant_name", "text").NotNull();
        documents.AddColumn("identity_masked", "text");
        documents.AddColumn("office_name", "text").NotNull();
        documents.AddColumn("application_number", "text").NotNull();
        documents.AddColumn("submitted_on", "date").NotNull();
        documents.AddColumn("content", "bytea");
        documents.AddColumn("created_at", "timestamptz").NotNull();
        documents.AddColumn("rendered_at", "timestamptz");
        // The declarant's mã số BHXH: an erasure blanks the name and masked number shown by verification. Empty: the
        // declarant was erased before the column existed (NameStoredDocumentsJob); null: not read yet.
        documents.AddColumn("subject", "text");
        documents.Indexes.Add(new IndexDefinition("ix_documents_subject") { Columns = ["subject"] });

        options.Storage.ExtendedSchemaObjects.Add(messages);
        options.Storage.ExtendedSchemaObjects.Add(outbox);
        options.Storage.ExtendedSchemaObjects.Add(codes);
        options.Storage.ExtendedSchemaObjects.Add(documents);
    }
}
