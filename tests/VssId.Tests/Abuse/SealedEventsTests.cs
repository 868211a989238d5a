using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using VssId.Tests.Credentials;
using VssId.Tests.Infrastructure;
using VssId.Tests.Notifications;
using VssId.Tests.Registration;
using RegistrationEvents = VssId.Modules.Registration.Domain;
using ApprovalEvents = VssId.Modules.Approval.Domain;

namespace VssId.Tests.Abuse;

/// <summary>
/// Issue 13 item 12 (events): the identity number, phone, name, birth date, email and address inside events and the
/// account document are stored sealed with the person's key, and the indexes keep phones only as HMACs; erasing
/// the person leaves every stream intact (same events, same versions) with those fields unreadable.
/// </summary>
public sealed class SealedEventsTests(VssIdFixture fixture) : IClassFixture<VssIdFixture>
{
    private const string Office = "00123";
    private const string IdentityNumber = "001090001234";
    private const string Street = "Phạm Văn Đồng";
    private const string Email = "an.nguyen@example.vn";

    [Fact]
    public async Task Personal_fields_are_stored_sealed_and_erasure_leaves_the_streams_whole_but_unreadable()
    {
        var identity = new IdentityClient(fixture.App);
        var registration = new RegistrationClient(fixture.App.CreateClient());
        var code = RegistrationClient.NewCode();
        var phone = RegistrationClient.NewPhone();
        var (id, token) = await registration.Ready(code, phone);
        var submit = await registration.Submit(id, token, Office);
        var number = (await submit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("applicationNumber").GetString()!;

        // Through the office to an account: every module has written the person's data by then.
        var (caseId, officerToken) = await identity.ApproveInOffice(Office, number);
        await identity.OneTimePassword(phone);

        // What the applicant and the officer read is the plaintext…
        var caseView = await (await identity.Send(HttpMethod.Get, $"/api/v1/cases/{caseId}", officerToken)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(IdentityNumber, caseView.GetRawText(), StringComparison.Ordinal);
        Assert.Contains(phone, caseView.GetRawText(), StringComparison.Ordinal);

        // …what PostgreSQL holds is not: no event of any module and no account document, and the index holds no phone.
        foreach (var secret in new[] { phone, phone[1..], IdentityNumber, "Nguyễn Văn An", Street, Email, "1990-03-15" })
        {
            Assert.Equal(0, await NotificationsDb.Count(fixture.ConnectionString,
                "SELECT count(*) FROM events.mt_events WHERE position($1 in data::text) > 0", secret));
            Assert.Equal(0, await NotificationsDb.Count(fixture.ConnectionString,
                "SELECT count(*) FROM credentials.mt_doc_account WHERE position($1 in data::text) > 0", secret));
        }
        Assert.Equal(0, await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM registration.application_index WHERE phone = $1 OR verified_phone = $1", phone));
        Assert.True(await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM events.mt_events WHERE stream_id = ANY($1) AND position('sealed:' in data::text) > 0", new[] { id, caseId }) >= 4);
        Assert.Equal(1, await NotificationsDb.Count(fixture.ConnectionString, "SELECT count(*) FROM approval.case_index WHERE subject = $1 AND full_name = 'Nguyễn Văn An'", code));
        var versions = await NotificationsDb.Count(fixture.ConnectionString, "SELECT count(*) FROM events.mt_events WHERE stream_id = ANY($1)", new[] { id, caseId });
        // The phone's code, the receipt and the one-time password: each message knows whom it is about.
        Assert.True(await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM notifications.messages WHERE people @> ARRAY[$1] AND to_key = $2 AND body_redacted <> ''", code, NotificationsDb.Recipient(phone)) >= 3);
        // Their recipient and texts are sealed with the person's key (a backup holds them only as noise once the key is gone).
        Assert.Equal(0, await NotificationsDb.Count(fixture.ConnectionString, """
            SELECT count(*) FROM notifications.messages WHERE people @> ARRAY[$1]
              AND (to_address NOT LIKE 'sealed:%' OR body_redacted NOT LIKE 'sealed:%' OR body_protected NOT LIKE 'sealed:%' OR position($2 in body_redacted) > 0)
            """, code, number));
        Assert.Equal(0, await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM notifications.messages WHERE position($1 in to_address || coalesce(to_masked, '')) > 0", phone));
        await using var backup = new Npgsql.NpgsqlConnection(fixture.ConnectionString);
        await backup.OpenAsync();
        var copied = (string)(await new Npgsql.NpgsqlCommand(
            $"SELECT body_redacted FROM notifications.messages WHERE people @> ARRAY['{code}'] AND template = 'application_received'", backup).ExecuteScalarAsync())!;
        var keys = fixture.App.Services.GetRequiredService<VssId.BuildingBlocks.Privacy.PersonKeys>();
        Assert.Contains(number, System.Text.Encoding.UTF8.GetString((await keys.Open(Convert.FromBase64String(copied["sealed:".Length..]), default))!),
            StringComparison.Ordinal);

        // Nowhere else either: every text column of every table of the database, but the development outbox (Development
        // only: it is the SMS gateway's stand-in and keeps what was sent, by design).
        Assert.Empty(await ClearCopies(phone));
        Assert.Empty(await ClearCopies(phone[1..]));

        var admin = await identity.AccessToken(IdentityClient.DevAdmin, IdentityClient.DevAdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await identity.Send(HttpMethod.Post, $"/api/v1/admin/people/{code}/erasure", admin)).StatusCode);
        Assert.Empty(await ClearCopies(phone));

        // The messages keep only that they were sent: no address, no text, for this person's phone nowhere.
        Assert.Equal(0, await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM notifications.messages WHERE people @> ARRAY[$1] AND (to_address <> '' OR to_key IS NOT NULL OR to_masked IS NOT NULL OR body_redacted <> '' OR body_protected IS NOT NULL)", code));
        Assert.Equal(0, await NotificationsDb.Count(fixture.ConnectionString, "SELECT count(*) FROM notifications.messages WHERE to_key = $1", NotificationsDb.Recipient(phone)));
        // The copy taken before (a backup) opens to nothing.
        Assert.Null(await keys.Open(Convert.FromBase64String(copied["sealed:".Length..]), default));
        // The lists forget the person too: the queue's name, the application's phone digest.
        Assert.Equal(0, await NotificationsDb.Count(fixture.ConnectionString, "SELECT count(*) FROM approval.case_index WHERE subject = $1 AND full_name <> ''", code));
        Assert.Equal(0, await NotificationsDb.Count(fixture.ConnectionString, "SELECT count(*) FROM registration.application_index WHERE bhxh_code = $1 AND phone <> ''", code));
        // The streams are whole — same events — and load, but what identified the person reads as empty.
        Assert.Equal(versions, await NotificationsDb.Count(fixture.ConnectionString, "SELECT count(*) FROM events.mt_events WHERE stream_id = ANY($1)", new[] { id, caseId }));
        await using var session = fixture.App.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var started = (RegistrationEvents.ApplicationStarted)(await session.Events.FetchStreamAsync(id))[0].Data;
        Assert.Equal(code, started.Declaration.BhxhCode);
        Assert.Equal(("", "", "", ""), (started.Declaration.FullName, started.Declaration.Phone, started.Declaration.IdentityDocument.Number, started.Declaration.Address.Street));
        Assert.Equal(DateOnly.MinValue, started.Declaration.DateOfBirth);
        var opened = (ApprovalEvents.CaseOpened)(await session.Events.FetchStreamAsync(caseId))[0].Data;
        Assert.Equal(("", "", ""), (opened.Declaration.FullName, opened.Declaration.IdentityNumber, opened.Declaration.Phone));
        Assert.Equal(Office, opened.OfficeCode);
        Assert.DoesNotContain(IdentityNumber, await (await identity.Send(HttpMethod.Get, $"/api/v1/cases/{caseId}", officerToken)).Content.ReadAsStringAsync(),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_stored_in_clear_before_sealing_are_sealed_in_place_by_the_job_and_read_the_same()
    {
        await using var connection = new Npgsql.NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        var (code, phone, id) = await RegisteredInClear(connection);
        Assert.Contains(phone, await Scalar(connection, First, id), StringComparison.Ordinal);
        Assert.Contains($"\"Phone\": \"{phone}\"", await Scalar(connection, Verified, id), StringComparison.Ordinal);

        var job = fixture.App.Services.GetRequiredService<VssId.BuildingBlocks.Privacy.SealStoredDataJob>();
        await job.Run(CancellationToken.None);

        var resealed = await Scalar(connection, First, id);
        foreach (var secret in new[] { phone, IdentityNumber, "Nguyễn Văn An", Street, Email, "1990-03-15" })
        {
            Assert.DoesNotContain(secret, resealed, StringComparison.Ordinal);
        }
        // The confirmation now names the person its stream's first event names, and its phone is sealed with their key.
        Assert.DoesNotContain(phone, await Scalar(connection, Verified, id), StringComparison.Ordinal);
        await using var session = fixture.App.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var events = await session.Events.FetchStreamAsync(id);
        var started = (RegistrationEvents.ApplicationStarted)events[0].Data;
        Assert.Equal(("Nguyễn Văn An", phone, IdentityNumber, new DateOnly(1990, 3, 15)),
            (started.Declaration.FullName, started.Declaration.Phone, started.Declaration.IdentityDocument.Number, started.Declaration.DateOfBirth));
        var confirmation = events.Select(e => e.Data).OfType<RegistrationEvents.PhoneVerified>().Single();
        Assert.Equal((phone, code), (confirmation.Phone, confirmation.BhxhCode));
        // Again: nothing left to do, nothing rewritten.
        await job.Run(CancellationToken.None);
        Assert.Equal(resealed, await Scalar(connection, First, id));
    }

    [Fact]
    public async Task Data_in_clear_of_a_person_erased_before_the_job_reached_it_is_blanked_not_sealed_with_a_new_key()
    {
        // As a build before sealing left them: the declaration and the phone's confirmation (without its person) in
        // clear, and no key at all for the person.
        await using var connection = new Npgsql.NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        var (code, phone, id) = await RegisteredInClear(connection);
        await using (var forget = new Npgsql.NpgsqlCommand("DELETE FROM privacy.person_keys WHERE subject = $1", connection) { Parameters = { new() { Value = code } } })
        {
            Assert.True(await forget.ExecuteNonQueryAsync() >= 1);
        }

        // Erased before the hourly job came: no key to shred, a tombstone all the same.
        var identity = new IdentityClient(fixture.App);
        var admin = await identity.AccessToken(IdentityClient.DevAdmin, IdentityClient.DevAdminPassword);
        var erasure = await identity.Send(HttpMethod.Post, $"/api/v1/admin/people/{code}/erasure", admin);
        Assert.Equal(0, (await erasure.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keysShredded").GetInt32());
        Assert.Contains(phone, await Scalar(connection, First, id), StringComparison.Ordinal);

        await fixture.App.Services.GetRequiredService<VssId.BuildingBlocks.Privacy.SealStoredDataJob>().Run(CancellationToken.None);

        // Blanked: sealed with keys nobody holds, and the person has no live key the job would have made.
        var blanked = await Scalar(connection, First, id) + await Scalar(connection, Verified, id);
        foreach (var secret in new[] { phone, IdentityNumber, "Nguyễn Văn An", Street, Email, "1990-03-15" })
        {
            Assert.DoesNotContain(secret, blanked, StringComparison.Ordinal);
        }
        Assert.Equal(0, await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM privacy.person_keys WHERE subject = $1 AND (shredded_at IS NULL OR wrapped_key IS NOT NULL)", code));
        await using var session = fixture.App.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var events = await session.Events.FetchStreamAsync(id);
        var started = (RegistrationEvents.ApplicationStarted)events[0].Data;
        Assert.Equal(("", "", "", DateOnly.MinValue), (started.Declaration.FullName, started.Declaration.Phone,
            started.Declaration.IdentityDocument.Number, started.Declaration.DateOfBirth));
        Assert.Equal(("", code), events.Select(e => e.Data).OfType<RegistrationEvents.PhoneVerified>().Select(v => (v.Phone, v.BhxhCode)).Single());
        // Nothing left to do.
        await fixture.App.Services.GetRequiredService<VssId.BuildingBlocks.Privacy.SealStoredDataJob>().Run(CancellationToken.None);
        Assert.Equal(blanked, await Scalar(connection, First, id) + await Scalar(connection, Verified, id));
    }

    [Fact]
    public async Task The_sealing_job_reads_each_row_once_it_is_older_than_its_horizon()
    {
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync());
        var registration = new RegistrationClient(app.CreateClient());
        var people = app.Services.GetRequiredService<VssId.BuildingBlocks.Privacy.PersonKeys>();
        var job = app.Services.GetRequiredService<VssId.BuildingBlocks.Privacy.SealStoredDataJob>();
        await using var connection = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        async Task<(Guid Id, string Phone)> Legacy()
        {
            var phone = RegistrationClient.NewPhone();
            var (id, _) = await registration.Ready(RegistrationClient.NewCode(), phone);
            await StoreInClear(connection, people, id, "version = 1");
            return (id, phone);
        }

        // Everything stored so far older than the horizon: the first run reads it, the second reads nothing.
        var old = await Legacy();
        await new Npgsql.NpgsqlCommand("UPDATE events.mt_events SET timestamp = timestamp - interval '10 minutes'", connection).ExecuteNonQueryAsync();
        await new Npgsql.NpgsqlCommand("UPDATE credentials.mt_doc_account SET mt_last_modified = mt_last_modified - interval '10 minutes'", connection)
            .ExecuteNonQueryAsync();
        Assert.True(await job.Run(default) >= 1);
        Assert.DoesNotContain(old.Phone, await Scalar(connection, First, old.Id), StringComparison.Ordinal);
        Assert.Equal(0, await job.Run(default));

        // What is stored after the mark is read and sealed.
        var recent = await Legacy();
        Assert.True(await job.Run(default) >= 1);
        Assert.DoesNotContain(recent.Phone, await Scalar(connection, First, recent.Id), StringComparison.Ordinal);
        Assert.Equal(0, await job.Run(default));
    }

    [Fact]
    public async Task Recipients_stored_in_clear_before_sealing_get_their_hmac_and_are_sealed_with_a_live_key_only()
    {
        var registration = new RegistrationClient(fixture.App.CreateClient());
        var code = RegistrationClient.NewCode();
        var phone = RegistrationClient.NewPhone();
        await registration.Ready(code, phone);
        var nobodysPhone = RegistrationClient.NewPhone();
        var erasedLongAgo = RegistrationClient.NewCode(); // named by a message, no key: erased before the people column existed
        var keylessPhone = RegistrationClient.NewPhone();
        var masked = phone[..3] + new string('*', phone.Length - 5) + phone[^2..];

        // As a build before sealed recipients stored them: the address in clear, no HMAC, no masked form.
        Assert.True(await NotificationsDb.Count(fixture.ConnectionString, """
            WITH legacy AS (UPDATE notifications.messages SET to_address = $2, to_key = NULL, to_masked = NULL WHERE people @> ARRAY[$1] RETURNING 1)
            SELECT count(*) FROM legacy
            """, code, phone) >= 1);
        foreach (var (to, people) in new[] { (nobodysPhone, (string[]?)null), (keylessPhone, new[] { erasedLongAgo }) })
        {
            Assert.Equal(1, await NotificationsDb.Count(fixture.ConnectionString, """
                WITH legacy AS (
                  INSERT INTO notifications.messages (id, channel, to_address, template, body_redacted, attachments, sensitive, status, attempts, created_at, people)
                  VALUES (gen_random_uuid(), 'sms', $1, 'otp', 'VssID: Ma xac thuc cua ban la ******.', '[]', true, 'Sent', 1, now(), $2) RETURNING 1)
                SELECT count(*) FROM legacy
                """, to, (object?)people ?? DBNull.Value));
        }

        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            var job = scope.ServiceProvider.GetRequiredService<VssId.Modules.Notifications.Messaging.SealStoredRecipientsJob>();
            Assert.True(await job.Run(default) >= 3);
            Assert.Equal(0, await job.Run(default));
        }

        // The person's: sealed with their key, found by the HMAC, shown masked; it opens to the phone.
        Assert.Equal(0, await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM notifications.messages WHERE people @> ARRAY[$1] AND (to_address NOT LIKE 'sealed:%' OR to_key <> $2 OR to_masked <> $3)",
            code, NotificationsDb.Recipient(phone), masked));
        await using var connection = new Npgsql.NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        var sealedAddress = (string)(await new Npgsql.NpgsqlCommand($"SELECT to_address FROM notifications.messages WHERE people @> ARRAY['{code}'] LIMIT 1", connection)
            .ExecuteScalarAsync())!;
        var keys = fixture.App.Services.GetRequiredService<VssId.BuildingBlocks.Privacy.PersonKeys>();
        Assert.Equal(phone, System.Text.Encoding.UTF8.GetString((await keys.Open(Convert.FromBase64String(sealedAddress["sealed:".Length..]), default))!));
        // About nobody, or about a person without a key: found by the HMAC, the address as it was, and no key made.
        foreach (var to in new[] { nobodysPhone, keylessPhone })
        {
            Assert.Equal(1, await NotificationsDb.Count(fixture.ConnectionString,
                "SELECT count(*) FROM notifications.messages WHERE to_key = $1 AND to_address = $2 AND to_masked IS NOT NULL", NotificationsDb.Recipient(to), to));
        }
        Assert.Equal(0, await NotificationsDb.Count(fixture.ConnectionString, "SELECT count(*) FROM privacy.person_keys WHERE subject = $1", erasedLongAgo));
    }

    private const string VerifiedEvent = "type = 'registration.phone_verified'";
    private const string First = "SELECT data::text FROM events.mt_events WHERE stream_id = $1 AND version = 1";
    private const string Verified = "SELECT data::text FROM events.mt_events WHERE stream_id = $1 AND " + VerifiedEvent;

    // A registration whose declaration and phone confirmation are stored as a build before sealing stored them (the
    // confirmation from before it named its person).
    private async Task<(string Code, string Phone, Guid Id)> RegisteredInClear(Npgsql.NpgsqlConnection connection)
    {
        var code = RegistrationClient.NewCode();
        var phone = RegistrationClient.NewPhone();
        var (id, _) = await new RegistrationClient(fixture.App.CreateClient()).Ready(code, phone);
        var people = fixture.App.Services.GetRequiredService<VssId.BuildingBlocks.Privacy.PersonKeys>();
        await StoreInClear(connection, people, id, "version = 1");
        await StoreInClear(connection, people, id, VerifiedEvent, withoutPerson: true);
        return (code, phone, id);
    }

    // The event of `stream` that `which` selects, stored as a build before sealing stored it: every sealed value replaced by
    // its plaintext (and, for an event stored before it named its person, without its mã số BHXH).
    private static async Task StoreInClear(Npgsql.NpgsqlConnection connection, VssId.BuildingBlocks.Privacy.PersonKeys people, Guid stream, string which,
        bool withoutPerson = false)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(await Scalar(connection, $"SELECT data::text FROM events.mt_events WHERE stream_id = $1 AND {which}", stream))!
            .AsObject();
        Unseal(json, people);
        if (withoutPerson)
        {
            json.Remove("BhxhCode");
        }
        await using var update = new Npgsql.NpgsqlCommand($"UPDATE events.mt_events SET data = $1::jsonb WHERE stream_id = $2 AND {which}", connection)
            { Parameters = { new() { Value = json.ToJsonString() }, new() { Value = stream } } };
        Assert.Equal(1, await update.ExecuteNonQueryAsync());
    }

    private static async Task<string> Scalar(Npgsql.NpgsqlConnection connection, string sql, Guid id)
    {
        await using var command = new Npgsql.NpgsqlCommand(sql, connection) { Parameters = { new() { Value = id } } };
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private Task<IReadOnlyList<string>> ClearCopies(string secret) => DatabaseScan.ClearCopies(fixture.ConnectionString, secret);

    private static Task<IReadOnlyList<string>> ClearCopies(string connectionString, string secret) => DatabaseScan.ClearCopies(connectionString, secret);

    private static void Unseal(System.Text.Json.Nodes.JsonNode node, VssId.BuildingBlocks.Privacy.PersonKeys people)
    {
        if (node is System.Text.Json.Nodes.JsonObject json)
        {
            foreach (var (name, value) in json.ToList())
            {
                if (value is System.Text.Json.Nodes.JsonValue text && text.TryGetValue(out string? s) && s.StartsWith("sealed:", StringComparison.Ordinal))
                {
                    json[name] = System.Text.Encoding.UTF8.GetString(people.OpenNow(Convert.FromBase64String(s["sealed:".Length..]))!);
                }
                else if (value is not null)
                {
                    Unseal(value, people);
                }
            }
        }
    }

    [Fact]
    public async Task Once_a_person_is_erased_no_table_holds_their_name_phone_email_identity_number_or_street_in_clear()
    {
        // A database of its own: no other test's person shares this one's identity number, street or email.
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync());
        var identity = new IdentityClient(app);
        var registration = new RegistrationClient(app.CreateClient());
        var (code, phone, email) = (RegistrationClient.NewCode(), RegistrationClient.NewPhone(), $"nguoi.{Guid.NewGuid():N}@example.vn");
        var (id, token) = await registration.Ready(code, phone, email);
        var number = (await (await registration.Submit(id, token, Office)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("applicationNumber").GetString()!;
        await identity.ApproveInOffice(Office, number);
        var password = await identity.OneTimePassword(phone);
        // Secrets are never kept in clear either: the application's access token, the account's one-time password.
        Assert.Empty(await ClearCopies(app.ConnectionString, token));
        Assert.Empty(await ClearCopies(app.ConnectionString, password));
        var login = await identity.LoggedIn(code, password);
        foreach (var issued in new[] { "access_token", "refresh_token" }.Where(p => login.TryGetProperty(p, out _)).Select(p => login.GetProperty(p).GetString()!))
        {
            Assert.Empty(await ClearCopies(app.ConnectionString, issued));
            Assert.Empty(await ClearCopies(app.ConnectionString, issued[^40..]));
        }
        // The paths that take a phone or send a code too: a resume with a wrong code, password recovery by SMS and by email.
        var anonymous = app.CreateUncheckedClient();
        await anonymous.PostAsJsonAsync(new Uri("/api/v1/registrations/resume", UriKind.Relative), new { bhxhCode = code, phone });
        await anonymous.PostAsJsonAsync(new Uri("/api/v1/registrations/resume/confirm", UriKind.Relative), new { bhxhCode = code, phone, code = "000000" });
        foreach (var channel in new[] { "sms", "email" })
        {
            Assert.Equal(HttpStatusCode.Accepted, (await identity.Send(HttpMethod.Post, "/api/v1/auth/password-reset", null, new { bhxhCode = code, channel })).StatusCode);
        }

        // Before: what identifies the person is sealed or hashed everywhere; the name alone is kept in clear where lists show it.
        foreach (var secret in new[] { phone, email, IdentityNumber, Street })
        {
            Assert.True((await ClearCopies(app.ConnectionString, secret)).Count == 0, $"{secret} in clear: {string.Join(", ", await ClearCopies(app.ConnectionString, secret))}");
        }
        var admin = await identity.AccessToken(IdentityClient.DevAdmin, IdentityClient.DevAdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await identity.Send(HttpMethod.Post, $"/api/v1/admin/people/{code}/erasure", admin)).StatusCode);
        foreach (var secret in new[] { phone, email, IdentityNumber, Street, "Nguyễn Văn An" })
        {
            Assert.True((await ClearCopies(app.ConnectionString, secret)).Count == 0, $"{secret} in clear after erasure: {string.Join(", ", await ClearCopies(app.ConnectionString, secret))}");
        }
    }

    [Fact]
    public async Task Once_a_child_and_then_their_guardian_are_erased_no_table_holds_either_in_clear()
    {
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync());
        var enrollments = new VssId.Tests.GuardianEnrollment.EnrollmentClient(app);
        var email = $"me.{Guid.NewGuid():N}@example.vn";
        var guardian = await enrollments.Guardian(email);
        var child = RegistrationClient.NewCode();
        var (id, number) = await enrollments.Submitted(guardian.Token, child);
        await enrollments.Form(guardian.Token, id);
        // The office approves: the child's account is issued and its password goes to the guardian's phone.
        var identity = enrollments.Identity;
        await identity.ApproveInOffice("00131", number);
        await Eventually.True(async () => (await enrollments.Get(guardian.Token, id)).GetProperty("status").GetString() == "Approved", because: "the decision reaches the guardian");
        await Eventually.True(async () => await NotificationsDb.Count(app.ConnectionString,
            "SELECT count(*) FROM notifications.messages WHERE people @> ARRAY[$1] AND template = 'child_account_issued' AND status = 'Sent'", child) == 1,
            because: "the child's account SMS is sent");

        var guardianData = new[] { guardian.Phone, email, VssId.Tests.GuardianEnrollment.EnrollmentClient.GuardianCccd, Street };
        foreach (var secret in guardianData)
        {
            Assert.True((await ClearCopies(app.ConnectionString, secret)).Count == 0, $"{secret} in clear: {string.Join(", ", await ClearCopies(app.ConnectionString, secret))}");
        }
        var admin = await identity.AccessToken(IdentityClient.DevAdmin, IdentityClient.DevAdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await identity.Send(HttpMethod.Post, $"/api/v1/admin/people/{child}/erasure", admin)).StatusCode);
        Assert.True((await ClearCopies(app.ConnectionString, "Nguyễn Minh Khôi")).Count == 0,
            $"the child's name in clear after erasure: {string.Join(", ", await ClearCopies(app.ConnectionString, "Nguyễn Minh Khôi"))}");
        Assert.Equal(HttpStatusCode.OK, (await identity.Send(HttpMethod.Post, $"/api/v1/admin/people/{guardian.BhxhCode}/erasure", admin)).StatusCode);
        foreach (var secret in guardianData.Append("Nguyễn Văn An"))
        {
            Assert.True((await ClearCopies(app.ConnectionString, secret)).Count == 0, $"{secret} in clear after erasure: {string.Join(", ", await ClearCopies(app.ConnectionString, secret))}");
        }
    }

    [Fact]
    public async Task Forms_stored_before_they_named_their_declarant_are_named_and_an_erased_declarants_name_goes()
    {
        var registration = new RegistrationClient(fixture.App.CreateClient());
        var (kept, erased) = (RegistrationClient.NewCode(), RegistrationClient.NewCode());
        var numbers = new List<string>();
        foreach (var code in new[] { kept, erased })
        {
            var (id, token) = await registration.Ready(code, RegistrationClient.NewPhone());
            numbers.Add((await (await registration.Submit(id, token, Office)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("applicationNumber").GetString()!);
        }
        await Eventually.True(async () => await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM notifications.documents WHERE application_number = ANY($1) AND subject IS NOT NULL", (object)numbers.ToArray()) == 2,
            because: "both forms are requested");
        // As a build before the column stored them: no subject. One declarant is erased before the job comes.
        Assert.Equal(2, await NotificationsDb.Count(fixture.ConnectionString,
            "WITH u AS (UPDATE notifications.documents SET subject = NULL WHERE application_number = ANY($1) RETURNING 1) SELECT count(*) FROM u", (object)numbers.ToArray()));
        var identity = new IdentityClient(fixture.App);
        var admin = await identity.AccessToken(IdentityClient.DevAdmin, IdentityClient.DevAdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await identity.Send(HttpMethod.Post, $"/api/v1/admin/people/{erased}/erasure", admin)).StatusCode);
        Assert.Equal(1, await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM notifications.documents WHERE application_number = $1 AND declarant_name = 'Nguyễn Văn An'", numbers[1]));

        await using var scope = fixture.App.Services.CreateAsyncScope();
        var job = scope.ServiceProvider.GetRequiredService<VssId.Modules.Notifications.Documents.NameStoredDocumentsJob>();
        Assert.True(await job.Run(default) >= 2);
        Assert.Equal(0, await job.Run(default));
        Assert.Equal(1, await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM notifications.documents WHERE application_number = $1 AND subject = $2 AND declarant_name = 'Nguyễn Văn An'", numbers[0], kept));
        Assert.Equal(1, await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM notifications.documents WHERE application_number = $1 AND subject = '' AND declarant_name = '' AND identity_masked IS NULL", numbers[1]));
        // From now on an erasure finds the named form itself.
        Assert.Equal(HttpStatusCode.OK, (await identity.Send(HttpMethod.Post, $"/api/v1/admin/people/{kept}/erasure", admin)).StatusCode);
        Assert.Equal(1, await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM notifications.documents WHERE application_number = $1 AND declarant_name = '' AND identity_masked IS NULL", numbers[0]));
    }

    [Fact]
    public async Task A_childs_enrolment_seals_child_and_guardian_apart_and_erasing_the_child_blanks_the_enrolment_index()
    {
        var enrollments = new VssId.Tests.GuardianEnrollment.EnrollmentClient(fixture.App);
        var guardian = await enrollments.Guardian();
        var child = RegistrationClient.NewCode();
        var id = await enrollments.Started(guardian.Token, child);

        var stored = await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM events.mt_events WHERE stream_id = $1 AND position('Nguyễn Minh Khôi' in data::text) = 0 AND position($2 in data::text) = 0", id, guardian.Phone);
        Assert.Equal(1, stored);
        // Two people, two keys: the guardian's data in the child's enrolment is sealed with the guardian's own key.
        Assert.Equal(2, await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(DISTINCT subject) FROM privacy.person_keys WHERE subject = ANY($1) AND shredded_at IS NULL", (object)new[] { child, guardian.BhxhCode }));
        Assert.Equal(1, await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM enrollment.enrollment_index WHERE id = $1 AND child_full_name = 'Nguyễn Minh Khôi'", id));
        // Recorded, with its Mẫu 01 rendered and its case in the office: the guardian's phone is still nowhere in clear
        // (their registration, account, messages, codes, the child's enrolment, case and form all hold it sealed or hashed).
        Assert.Equal(HttpStatusCode.NoContent, (await enrollments.Attach(guardian.Token, id)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await enrollments.Submit(guardian.Token, id)).StatusCode);
        await enrollments.Form(guardian.Token, id);
        Assert.Empty(await ClearCopies(guardian.Phone));

        var identity = new IdentityClient(fixture.App);
        var admin = await identity.AccessToken(IdentityClient.DevAdmin, IdentityClient.DevAdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await identity.Send(HttpMethod.Post, $"/api/v1/admin/people/{child}/erasure", admin)).StatusCode);

        Assert.Equal(1, await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM enrollment.enrollment_index WHERE id = $1 AND child_full_name = '' AND child_date_of_birth IS NULL AND guardian_phone IS NOT NULL", id));
        await using var session = fixture.App.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var started = (VssId.Modules.GuardianEnrollment.Domain.EnrollmentStarted)(await session.Events.FetchStreamAsync(id))[0].Data;
        // The child's name is gone; the guardian, not erased, still reads.
        Assert.Equal(("", guardian.Phone), (started.Child.FullName, started.Guardian.Phone));
        // The guardian's view keeps its shape (its schema allows an erased child: checked by the client).
        var view = (await enrollments.Get(guardian.Token, id)).GetProperty("child");
        Assert.Equal(("", "0001-01-01"), (view.GetProperty("fullName").GetString(), view.GetProperty("dateOfBirth").GetString()));
    }

    [Fact]
    public async Task A_childs_account_sms_is_sealed_with_its_guardians_key_and_goes_with_the_guardians_erasure()
    {
        var enrollments = new VssId.Tests.GuardianEnrollment.EnrollmentClient(fixture.App);
        var guardian = await enrollments.Guardian();
        var child = RegistrationClient.NewCode();
        var identity = new IdentityClient(fixture.App);
        await identity.Publish(IdentityClient.Approval(child, guardian.Phone, null) with
        {
            Kind = VssId.Modules.Approval.Contracts.CaseKinds.Child, GuardianBhxhCode = guardian.BhxhCode,
        });
        await Eventually.True(async () => await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM notifications.messages WHERE template = 'child_account_issued' AND people = $1 AND to_key = $2 AND status = 'Sent'",
            new[] { guardian.BhxhCode, child }, NotificationsDb.Recipient(guardian.Phone)) == 1, because: "the child's password reaches the guardian");
        await using (var connection = new Npgsql.NpgsqlConnection(fixture.ConnectionString))
        {
            await connection.OpenAsync();
            var address = (string)(await new Npgsql.NpgsqlCommand(
                $"SELECT to_address FROM notifications.messages WHERE template = 'child_account_issued' AND people[2] = '{child}'", connection).ExecuteScalarAsync())!;
            var sealedWith = new Guid(Convert.FromBase64String(address["sealed:".Length..]).AsSpan(4, 16));
            Assert.Equal(guardian.BhxhCode, (string)(await new Npgsql.NpgsqlCommand(
                $"SELECT subject FROM privacy.person_keys WHERE id = '{sealedWith}'", connection).ExecuteScalarAsync())!);
        }

        var admin = await identity.AccessToken(IdentityClient.DevAdmin, IdentityClient.DevAdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await identity.Send(HttpMethod.Post, $"/api/v1/admin/people/{guardian.BhxhCode}/erasure", admin)).StatusCode);
        Assert.Equal(1, await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM notifications.messages WHERE template = 'child_account_issued' AND people[2] = $1 AND to_address = '' AND to_key IS NULL AND body_redacted = ''",
            child));
    }

    [Fact]
    public async Task A_class_list_keeps_its_schema_once_its_child_and_guardian_are_erased()
    {
        var school = new VssId.Tests.Schools.SchoolClient(fixture.App);
        var token = await school.Token("HN-THCS-090");
        var pupil = VssId.Tests.Schools.SchoolClient.NewPupil();
        await VssId.Tests.Schools.SchoolClient.Results(await school.PostJson(token, "HN-THCS-090", new { classCode = "6A1", children = new[] { pupil } }));
        var admin = await school.Identity.AccessToken(IdentityClient.DevAdmin, IdentityClient.DevAdminPassword);
        foreach (var person in new[] { pupil.BhxhCode, pupil.GuardianBhxhCode })
        {
            Assert.Equal(HttpStatusCode.OK, (await school.Identity.Send(HttpMethod.Post, $"/api/v1/admin/people/{person}/erasure", admin)).StatusCode);
        }

        // Checked against the served schema by the client: blanks are what the contract says an erased person reads as.
        var item = (await school.List(token, "HN-THCS-090")).GetProperty("items")[0];
        Assert.Equal(("", JsonValueKind.Null, ""), (item.GetProperty("childFullName").GetString(), item.GetProperty("childDateOfBirth").ValueKind,
            item.GetProperty("guardianPhone").GetString()));
    }

    [Fact]
    public async Task An_erasure_that_fails_after_shredding_leaves_nothing_shredded_or_blanked_and_asking_again_erases()
    {
        var identity = new IdentityClient(fixture.App);
        var registration = new RegistrationClient(fixture.App.CreateClient());
        var code = RegistrationClient.NewCode();
        var (id, token) = await registration.Ready(code, RegistrationClient.NewPhone());
        Assert.Equal(HttpStatusCode.Accepted, (await registration.Submit(id, token, Office)).StatusCode);
        await Eventually.True(async () => await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM approval.case_index WHERE subject = $1 AND full_name = 'Nguyễn Văn An'", code) == 1, because: "the case reaches the office");

        // The worst moment: the keys are shredded, the office queue is blanked, and then the registration index fails
        // (a lost connection, a killed process) before anything is committed or audited.
        var trigger = $"fail_erasure_{code}";
        await Sql($"""
            CREATE FUNCTION registration.{trigger}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'connection lost'; END $$;
            CREATE TRIGGER {trigger} BEFORE UPDATE ON registration.application_index FOR EACH ROW
                WHEN (OLD.bhxh_code = '{code}' AND NEW.phone = '') EXECUTE FUNCTION registration.{trigger}();
            """);
        var admin = await identity.AccessToken(IdentityClient.DevAdmin, IdentityClient.DevAdminPassword);
        // Unchecked: a database failure (503) is not part of the endpoint's contract.
        using var http = fixture.App.CreateUncheckedClient();
        async Task<HttpResponseMessage> Erase()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/admin/people/{code}/erasure");
            request.Headers.Authorization = new("Bearer", admin);
            return await http.SendAsync(request);
        }
        await (await Erase()).AssertProblem(HttpStatusCode.ServiceUnavailable, "server.unavailable");

        Assert.True(await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM privacy.person_keys WHERE subject = $1 AND shredded_at IS NULL AND wrapped_key IS NOT NULL", code) >= 1);
        Assert.Equal(1, await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM approval.case_index WHERE subject = $1 AND full_name = 'Nguyễn Văn An'", code));
        Assert.Equal(0, await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM credentials.audit_entries WHERE action = 'person.erased' AND target = $1", code));
        var draft = await registration.Send(HttpMethod.Get, $"/api/v1/registrations/{id}", token);
        Assert.Contains("Nguyễn Văn An", await draft.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await Sql($"DROP TRIGGER {trigger} ON registration.application_index; DROP FUNCTION registration.{trigger}();");
        var erased = await Erase();
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        Assert.True((await erased.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keysShredded").GetInt32() >= 1);
        Assert.Equal(0, await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM privacy.person_keys WHERE subject = $1 AND shredded_at IS NULL", code));
        Assert.Equal(0, await NotificationsDb.Count(fixture.ConnectionString, "SELECT count(*) FROM approval.case_index WHERE subject = $1 AND full_name <> ''", code));
        Assert.Equal(0, await NotificationsDb.Count(fixture.ConnectionString, "SELECT count(*) FROM registration.application_index WHERE bhxh_code = $1 AND phone <> ''", code));
        Assert.Equal(1, await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM credentials.audit_entries WHERE action = 'person.erased' AND target = $1", code));
    }

    [Fact]
    public async Task An_erasure_in_one_process_takes_effect_in_another_at_once_and_that_process_seals_new_data_with_a_live_key()
    {
        // Another process of the same deployment made the person's key and remembers it (a minute, unless told).
        await using var other = new VssIdApp(fixture.ConnectionString, new VssIdAppOptions { Roles = "api" });
        var elsewhere = new RegistrationClient(other.CreateClient());
        var code = RegistrationClient.NewCode();
        var (id, token) = await elsewhere.Start(RegistrationClient.Declaration(code, RegistrationClient.NewPhone()));
        async Task<string> Read(Guid application, string accessToken)
        {
            var response = await elsewhere.Send(HttpMethod.Get, $"/api/v1/registrations/{application}", accessToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }
        Assert.Contains("Nguyễn Văn An", await Read(id, token), StringComparison.Ordinal);

        var identity = new IdentityClient(fixture.App);
        var admin = await identity.AccessToken(IdentityClient.DevAdmin, IdentityClient.DevAdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await identity.Send(HttpMethod.Post, $"/api/v1/admin/people/{code}/erasure", admin)).StatusCode);

        // The other process forgot the key when the erasure committed, not when its cache would have expired.
        await Eventually.True(async () => !(await Read(id, token)).Contains("Nguyễn Văn An", StringComparison.Ordinal),
            within: TimeSpan.FromSeconds(10), because: "the shredding is announced to every process");

        // The person registers again through that process: sealed with a new live key, not the shredded one it had.
        var (again, againToken) = await elsewhere.Start(RegistrationClient.Declaration(code, RegistrationClient.NewPhone()));
        Assert.Contains("Nguyễn Văn An", await Read(again, againToken), StringComparison.Ordinal);
        await using var connection = new Npgsql.NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var select = new Npgsql.NpgsqlCommand("SELECT data::text FROM events.mt_events WHERE stream_id = $1 AND version = 1", connection);
        select.Parameters.Add(new Npgsql.NpgsqlParameter { Value = again });
        var sealedName = JsonDocument.Parse((string)(await select.ExecuteScalarAsync())!).RootElement.GetProperty("Declaration").GetProperty("FullName").GetString()!;
        // A sealed blob: "VSP1", the id of the key that sealed it, then nonce, tag and ciphertext.
        var keyId = new Guid(Convert.FromBase64String(sealedName["sealed:".Length..]).AsSpan(4, 16));
        Assert.Equal(1, await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM privacy.person_keys WHERE id = $1 AND subject = $2 AND shredded_at IS NULL", keyId, code));
    }

    [Fact]
    public async Task A_process_whose_listening_connection_was_cut_still_forgets_a_shredded_key()
    {
        await using var other = new VssIdApp(fixture.ConnectionString, new VssIdAppOptions { Roles = "api" });
        var elsewhere = new RegistrationClient(other.CreateClient());
        var code = RegistrationClient.NewCode();
        var (id, token) = await elsewhere.Start(RegistrationClient.Declaration(code, RegistrationClient.NewPhone()));
        async Task<string> Read() => await (await elsewhere.Send(HttpMethod.Get, $"/api/v1/registrations/{id}", token)).Content.ReadAsStringAsync();
        Assert.Contains("Nguyễn Văn An", await Read(), StringComparison.Ordinal);
        const string Listening = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN vssid_%'";
        await Eventually.True(async () => await NotificationsDb.Count(fixture.ConnectionString, Listening) == 2, because: "both processes listen");
        var identity = new IdentityClient(fixture.App);
        var admin = await identity.AccessToken(IdentityClient.DevAdmin, IdentityClient.DevAdminPassword);

        // Every listening connection is cut (a failover, a restart of the proxy in front of PostgreSQL)…
        Assert.Equal(2, await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM pg_stat_activity, pg_terminate_backend(pid) WHERE datname = current_database() AND query LIKE 'LISTEN vssid_%'"));
        // …and the person is erased at once, while the other process waits a second before it listens again: it never
        // hears of this shredding.
        Assert.Equal(HttpStatusCode.OK, (await identity.Send(HttpMethod.Post, $"/api/v1/admin/people/{code}/erasure", admin)).StatusCode);

        // Within seconds the other process listens again and has forgotten the key: missed or heard, the shredding counts.
        await Eventually.True(async () => !(await Read()).Contains("Nguyễn Văn An", StringComparison.Ordinal), within: TimeSpan.FromSeconds(10),
            because: "a process that listens again forgets every key it held");
        await Eventually.True(async () => await NotificationsDb.Count(fixture.ConnectionString, Listening) == 2, because: "both processes listen again");
    }

    [Fact]
    public async Task A_key_made_inside_a_transaction_that_rolls_back_is_still_stored()
    {
        // A one-time code whose transaction fails after its SMS text was sealed: the key that sealed it was made and
        // remembered, so it must exist whatever that transaction does (else later data sealed with it is lost).
        var keys = fixture.App.Services.GetRequiredService<VssId.BuildingBlocks.Privacy.PersonKeys>();
        var person = RegistrationClient.NewCode();
        byte[] blob;
        using (VssId.BuildingBlocks.Transactions.AmbientTransaction.Begin())
        {
            blob = await keys.Seal(person, "VssID: mã xác thực"u8.ToArray(), default);
            // Not completed: rolled back.
        }
        Assert.Equal(1, await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM privacy.person_keys WHERE subject = $1 AND shredded_at IS NULL", person));
        Assert.Equal("VssID: mã xác thực", System.Text.Encoding.UTF8.GetString((await keys.Open(blob, default))!));
    }

    [Fact]
    public async Task A_message_still_waiting_to_go_to_an_erased_person_is_never_sent()
    {
        // An API-only host: nothing sends, so the message waits (as it would behind a slow gateway).
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync(), new VssIdAppOptions { Roles = "api" });
        var code = RegistrationClient.NewCode();
        var phone = RegistrationClient.NewPhone();
        var messageId = Guid.NewGuid();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<VssId.Modules.Notifications.Contracts.IMessageSender>().SendSms(
                new VssId.Modules.Notifications.Contracts.SmsRequest(messageId, phone, VssId.Modules.Notifications.Contracts.MessageTemplates.ApplicationRejected,
                    new Dictionary<string, string> { ["applicationNumber"] = "HS-01-2026-000001", ["reason"] = "Ảnh chân dung không rõ" }, [code]), default));
        }
        var identity = new IdentityClient(app);
        var admin = await identity.AccessToken(IdentityClient.DevAdmin, IdentityClient.DevAdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await identity.Send(HttpMethod.Post, $"/api/v1/admin/people/{code}/erasure", admin)).StatusCode);

        Assert.Equal(1, await NotificationsDb.Count(app.ConnectionString,
            "SELECT count(*) FROM notifications.messages WHERE id = $1 AND status = 'Failed' AND last_error = 'person erased' AND to_address = '' AND body_protected IS NULL",
            messageId));
        // Its job, when a worker gets to it, sends nothing.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<VssId.Modules.Notifications.Messaging.SendMessageJob>().Run(messageId, default);
        }
        Assert.Equal(0, await NotificationsDb.Count(app.ConnectionString, "SELECT count(*) FROM notifications.outbox WHERE to_address = $1", phone));
    }

    private async Task Sql(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Person_keys_are_wrapped_under_a_wrapping_key_bound_to_their_row_and_keys_wrapped_before_still_open()
    {
        var registration = new RegistrationClient(fixture.App.CreateClient());
        var code = RegistrationClient.NewCode();
        await registration.Start(RegistrationClient.Declaration(code, RegistrationClient.NewPhone()));
        Assert.Equal(1, await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM privacy.person_keys WHERE subject = $1 AND wrapped_key LIKE 'kw1.%'", code));
        Assert.True(await NotificationsDb.Count(fixture.ConnectionString, "SELECT count(*) FROM privacy.key_wrapping_keys") >= 1);
        var people = fixture.App.Services.GetRequiredService<VssId.BuildingBlocks.Privacy.PersonKeys>();

        // A key wrapped by Data Protection itself, as every key was before: it still opens what it sealed.
        var protection = fixture.App.Services.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>();
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var legacy = Guid.CreateVersion7();
        await InsertKey(legacy, RegistrationClient.NewCode(),
            Microsoft.AspNetCore.DataProtection.DataProtectionCommonExtensions.Protect(protection.CreateProtector("VssId.Privacy.PersonKey"), Convert.ToBase64String(key)));
        var blob = VssId.BuildingBlocks.Privacy.PersonKeys.Seal(new(code, legacy, key), "Nguyễn Văn An"u8);
        Assert.Equal("Nguyễn Văn An", System.Text.Encoding.UTF8.GetString((await people.Open(blob, CancellationToken.None))!));

        // A wrapped key copied onto another person's row does not unwrap there.
        await using var connection = new Npgsql.NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var read = new Npgsql.NpgsqlCommand("SELECT wrapped_key FROM privacy.person_keys WHERE subject = $1", connection) { Parameters = { new() { Value = code } } };
        var moved = Guid.CreateVersion7();
        await InsertKey(moved, RegistrationClient.NewCode(), (string)(await read.ExecuteScalarAsync())!);
        var naming = VssId.BuildingBlocks.Privacy.PersonKeys.Seal(new(code, moved, key), "x"u8);
        await Assert.ThrowsAnyAsync<System.Security.Cryptography.CryptographicException>(() => people.Open(naming, CancellationToken.None));
    }

    private async Task InsertKey(Guid id, string subject, string wrapped)
    {
        await using var connection = new Npgsql.NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var insert = new Npgsql.NpgsqlCommand("INSERT INTO privacy.person_keys (id, subject, wrapped_key, created_at) VALUES ($1, $2, $3, now())", connection)
        {
            Parameters = { new() { Value = id }, new() { Value = subject }, new() { Value = wrapped } },
        };
        await insert.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_refused_start_stores_no_key_and_the_next_start_of_that_person_reads_back()
    {
        var api = new RegistrationClient(fixture.App.CreateClient());
        var phone = RegistrationClient.NewPhone();
        for (var i = 0; i < 3; i++)
        {
            var draft = await api.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), phone));
            await api.VerifyPhone(draft.Id, draft.Token, phone);
        }
        // Refused in the append's transaction, after the serializer sealed the declaration with a key made for it.
        var code = RegistrationClient.NewCode();
        await (await api.Http.PostAsJsonAsync(new Uri("/api/v1/registrations", UriKind.Relative), RegistrationClient.Declaration(code, phone)))
            .AssertProblem(HttpStatusCode.TooManyRequests, "registration.too_many_drafts");
        Assert.Equal(0, await NotificationsDb.Count(fixture.ConnectionString, "SELECT count(*) FROM privacy.person_keys WHERE subject = $1", code));

        var other = RegistrationClient.NewPhone();
        var (id, token) = await api.Start(RegistrationClient.Declaration(code, other));
        var view = await (await api.Send(HttpMethod.Get, $"/api/v1/registrations/{id}", token)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((other, IdentityNumber), (view.GetProperty("phone").GetString(), view.GetProperty("identityDocument").GetProperty("number").GetString()));
        Assert.Equal(1, await NotificationsDb.Count(fixture.ConnectionString, "SELECT count(*) FROM privacy.person_keys WHERE subject = $1", code));
    }
}
