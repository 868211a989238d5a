using Marten;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace VssId.BuildingBlocks.Marten;

/// <summary>
/// Checks that run in the same transaction and round trip as an append, as one plain statement queued on the
/// session: <c>INSERT INTO {schema}.guard (ok) SELECT false WHERE CASE WHEN … THEN {schema}.refuse('VS409') … ELSE false END</c>.
/// The INSERT inserts nothing (Marten reads no result set for it); a failing condition calls <c>refuse</c>,
/// which raises the SQLSTATE naming the refusal, and the whole transaction — the append with it — rolls back.
/// No procedural code runs unless a check fails.
/// </summary>
public static class SqlRefusals
{
    /// <summary>Adds <c>{schema}.refuse(sqlstate)</c> and the never-written <c>{schema}.guard</c> table.</summary>
    public static void AddSqlRefusals(this StoreOptions options, string schema, string guardTable)
    {
        options.Storage.ExtendedSchemaObjects.Add(new Weasel.Postgresql.Functions.Function(
            new PostgresqlObjectName(schema, "refuse", default(Weasel.Postgresql.SchemaUtils.IdentifierUsage)), $$"""
            CREATE OR REPLACE FUNCTION {{schema}}.refuse(sqlstate text) RETURNS boolean
            LANGUAGE plpgsql VOLATILE AS $function$
            BEGIN
                RAISE EXCEPTION 'refused: %', sqlstate USING ERRCODE = sqlstate;
            END
            $function$;
            """));
        var guard = new Table($"{schema}.{guardTable}");
        guard.AddColumn("ok", "boolean");
        options.Storage.ExtendedSchemaObjects.Add(guard);
    }
}
