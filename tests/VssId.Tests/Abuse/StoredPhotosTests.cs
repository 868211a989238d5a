using System.Net;
using Mediator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SkiaSharp;
using VssId.Modules.Registration.Features.ExpireInactiveApplications;
using VssId.Tests.Infrastructure;
using VssId.Tests.Registration;

namespace VssId.Tests.Abuse;

/// <summary>Issue 13 item 3, acceptance F4: one stored file per photo kind, an upload budget, and no photo left behind by a closed draft.</summary>
public sealed class StoredPhotosTests
{
    // A different photo each time (a mark at another place), so each upload is a new file.
    private static byte[] Photo(int variant)
    {
        using var bitmap = new SKBitmap(800, 600);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(230, 230, 230));
            using var paint = new SKPaint { Color = new SKColor(30, 60, 120) };
            canvas.DrawRect(variant % 40 * 18, variant / 40 * 150, 40, 40, paint);
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 80);
        return data.ToArray();
    }

    private static string[] StoredFiles(VssIdApp app, Guid id)
    {
        var directory = Path.Combine(app.Services.GetRequiredService<IConfiguration>()["FileStore:Root"]!, "registration", id.ToString("N"));
        return Directory.Exists(directory) ? Directory.GetFiles(directory) : [];
    }

    [Fact]
    public async Task A_hundred_uploads_of_one_kind_keep_one_file_then_the_budget_refuses_and_a_withdrawn_draft_keeps_none()
    {
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync());
        var api = new RegistrationClient(app.CreateClient());
        var (id, token) = await api.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone()));
        for (var i = 0; i < 99; i++)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await api.Upload(id, token, "portrait", Photo(i))).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NoContent, (await api.Upload(id, token, "id-front", Photo(99))).StatusCode);
        await Eventually.True(() => Task.FromResult(StoredFiles(app, id).Length == 2), because: "replaced photos are deleted, one file per kind stays");
        Assert.Single(StoredFiles(app, id), f => Path.GetFileName(f).StartsWith("portrait-", StringComparison.Ordinal));

        var refused = await api.Upload(id, token, "portrait", Photo(100));
        await refused.AssertProblem(HttpStatusCode.TooManyRequests, "document.upload_budget_used");
        Assert.True(refused.Headers.RetryAfter!.Delta > TimeSpan.FromHours(23));
        Assert.Equal(2, StoredFiles(app, id).Length);

        Assert.Equal(HttpStatusCode.NoContent, (await api.Send(HttpMethod.Delete, $"/api/v1/registrations/{id}", token)).StatusCode);
        await Eventually.True(() => Task.FromResult(StoredFiles(app, id).Length == 0), because: "a withdrawn draft's photos are deleted");
    }

    [Fact]
    public async Task A_photo_uploaded_again_after_another_gets_a_new_file_which_stays()
    {
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync());
        var api = new RegistrationClient(app.CreateClient());
        var (id, token) = await api.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone()));
        // A, B, then A again. Named by their content, the third upload wrote the first's name, which the reaction to B
        // deletes: if the delete came after the write, the application named a missing photo.
        var names = new List<string>();
        foreach (var photo in new[] { Photo(1), Photo(2), Photo(1) })
        {
            var before = StoredFiles(app, id);
            Assert.Equal(HttpStatusCode.NoContent, (await api.Upload(id, token, "portrait", photo)).StatusCode);
            names.Add(Assert.Single(StoredFiles(app, id).Except(before)));
        }
        Assert.Equal(3, names.Distinct().Count());
        await Eventually.True(() => Task.FromResult(StoredFiles(app, id) is [var only] && only == names[2]), because: "the replaced photos are deleted, the last stays");
        var opened = await app.Services.GetRequiredService<VssId.BuildingBlocks.Privacy.PersonKeys>().Open(await File.ReadAllBytesAsync(names[2]), default);
        Assert.Equal(VssId.BuildingBlocks.Files.ImageInspector.Inspect(Photo(1))!.Stripped.ToArray(), opened);
    }

    [Fact]
    public async Task An_upload_that_loses_a_race_leaves_no_file_behind()
    {
        // The first upload's file is written, then held before its event is saved while a second upload commits: the
        // first then loses (409). It answered 409 without counting against the budget and, before, left its file: a
        // client racing itself could fill the disk.
        var held = new FirstSaveHeld("registration/");
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync(), held.Options);
        var api = new RegistrationClient(app.CreateClient());
        var (id, token) = await api.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone()));
        var losing = api.Upload(id, token, "portrait", Photo(1));
        await held.Holding.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.NoContent, (await api.Upload(id, token, "portrait", Photo(2))).StatusCode);
        Assert.Equal(2, held.Saves);
        var winner = Assert.Single(StoredFiles(app, id), f => !f.EndsWith(held.HeldKey!.Split('/')[^1], StringComparison.Ordinal));
        held.Release.SetResult();
        await (await losing).AssertProblem(HttpStatusCode.Conflict, "request.conflict");
        await Eventually.True(() => Task.FromResult(StoredFiles(app, id) is [var only] && only == winner), because: "the loser's file is deleted, the winner's stays");
    }

    [Fact]
    public async Task A_childs_upload_that_loses_a_race_leaves_no_file_behind()
    {
        var held = new FirstSaveHeld("enrollment/");
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync(), held.Options);
        var api = new VssId.Tests.GuardianEnrollment.EnrollmentClient(app);
        var (_, _, token) = await api.Guardian();
        var id = await api.Started(token, RegistrationClient.NewCode());
        var losing = api.Attach(token, id, image: Photo(1));
        await held.Holding.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.NoContent, (await api.Attach(token, id, image: Photo(2))).StatusCode);
        var folder = Path.Combine(app.Services.GetRequiredService<IConfiguration>()["FileStore:Root"]!, "enrollment", id.ToString("N"));
        var winner = Assert.Single(Directory.GetFiles(folder), f => !f.EndsWith(held.HeldKey!.Split('/')[^1], StringComparison.Ordinal));
        held.Release.SetResult();
        await (await losing).AssertProblem(HttpStatusCode.Conflict, "request.conflict");
        await Eventually.True(() => Task.FromResult(Directory.GetFiles(folder) is [var only] && only == winner), because: "the loser's file is deleted, the winner's stays");
    }

    /// <summary>Holds the first photo written under <paramref name="prefix"/> (after writing it) until released; every other write goes straight through.</summary>
    private sealed class FirstSaveHeld(string prefix)
    {
        private readonly string _prefix = prefix;
        private int _saves;

        public TaskCompletionSource Holding { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public string? HeldKey { get; private set; }
        public int Saves => _saves;

        /// <summary>A Host whose file store is the real one, held.</summary>
        public VssIdAppOptions Options => new()
        {
            Services = services => services.AddSingleton<VssId.BuildingBlocks.Files.IFileStore>(sp =>
                new Store(this, ActivatorUtilities.CreateInstance<VssId.BuildingBlocks.Files.FileSystemFileStore>(sp))),
        };

        private sealed class Store(FirstSaveHeld held, VssId.BuildingBlocks.Files.IFileStore inner) : VssId.BuildingBlocks.Files.IFileStore
        {
            public async Task Save(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
            {
                await inner.Save(key, content, cancellationToken);
                if (key.StartsWith(held._prefix, StringComparison.Ordinal) && Interlocked.Increment(ref held._saves) == 1)
                {
                    held.HeldKey = key;
                    held.Holding.SetResult();
                    await held.Release.Task;
                }
            }

            public Task<byte[]?> Read(string key, CancellationToken cancellationToken) => inner.Read(key, cancellationToken);

            public Task Delete(string key, CancellationToken cancellationToken) => inner.Delete(key, cancellationToken);
        }
    }

    [Fact]
    public async Task An_expired_drafts_photos_are_deleted()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync(), new VssIdAppOptions { Services = s => s.AddSingleton<TimeProvider>(clock) });
        var api = new RegistrationClient(app.CreateClient());
        var (id, token) = await api.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone()));
        Assert.Equal(HttpStatusCode.NoContent, (await api.Upload(id, token, "portrait", Photo(1))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await api.Upload(id, token, "id-back", Photo(2))).StatusCode);
        Assert.Equal(2, StoredFiles(app, id).Length);

        // Never verified: expired 24 hours after its start.
        clock.Advance(TimeSpan.FromHours(25));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<ISender>().Send(new ExpireInactiveApplications()));
        }
        await Eventually.True(() => Task.FromResult(StoredFiles(app, id).Length == 0), because: "an expired draft's photos are deleted");
    }
}
