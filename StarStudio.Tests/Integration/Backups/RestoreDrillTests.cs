using System.Text;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pgvector;
using StarStudio.Core.Audit;
using StarStudio.Core.Billing;
using StarStudio.Core.Common;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Stars;
using StarStudio.Core.Storage;
using StarStudio.Data;
using StarStudio.Data.Audit;
using StarStudio.Data.Billing;
using StarStudio.Data.Infrastructure;
using StarStudio.Data.Knowledge;
using StarStudio.Data.Storage;
using StarStudio.TestSupport;

namespace StarStudio.Tests.Integration.Backups;

/// <summary>
/// The restore drill (docs/backups.md): a populated database and object store are backed up by scripts/backup.sh and
/// restored by scripts/restore.sh into a fresh database and directory, then compared table by table (row counts and a
/// checksum of every row), with the same owners, policies, triggers and privileges; the app's start step (the
/// migrator) runs on the copy, and the app role reads through row-level security there as it did before.
/// </summary>
public sealed class RestoreDrillTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("starstudio-backup-test-").FullName;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    [Fact]
    public async Task Drill_PopulatedDatabase_RestoresEveryTableRowForRow_AndTheAppRoleReadsItsRowsThroughRls()
    {
        // --- a populated database: users, a private star with knowledge chunks and embeddings, wallets, audit entries,
        // and a table of Hangfire's (owned by the jobs role, as Hangfire's own tables are).
        var owner = await pg.CreateUserAsync(null, Core.Identity.RoleNames.StarOwner);
        var player = await pg.CreateUserAsync();
        var admin = await pg.CreateAdminAsync();
        var star = Guid.NewGuid();
        var task = Guid.NewGuid();
        await using (var db = pg.OwnerContext())
        {
            db.Stars.Add(new Star { Id = star, OwnerId = owner.UserId!.Value, Name = "备份之星", Domain = "d", Persona = "p", Tone = "", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
            db.KnowledgeTasks.Add(new KnowledgeTask { Id = task, StarId = star, SourceType = KnowledgeSourceType.Note, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        var chunks = Enumerable.Range(0, 20).Select(i => new KnowledgeChunkDocument(Guid.NewGuid(), task, star, i, $"第 {i} 段知识 'quoted' \"text\"\n", null,
            new Dictionary<string, string> { ["n"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) })).ToList();
        await new PostgresKnowledgeChunkStore(pg.Db(owner)).UpsertManyAsync(chunks);
        await pg.Db(owner).RunAsync(async (db, _) =>
        {
            foreach (var c in chunks)
            {
                var v = new float[StarEmbedding.DefaultDimension];
                v[c.Seq] = 1f;
                v[(c.Seq + 1) % v.Length] = 0.25f;
                db.StarEmbeddings.Add(new StarEmbedding
                {
                    StarId = star, TaskId = task, Seq = c.Seq, ChunkId = c.Id, Embedding = new Vector(v), Dimensions = (short)v.Length,
                    EmbeddingModel = "test-axis", Content = c.ChunkText, SearchText = c.ChunkText, Metadata = "{}",
                });
            }

            await db.SaveChangesAsync();
        });
        foreach (var (user, i) in new[] { (owner, 1), (owner, 2), (player, 3) })
        {
            await pg.Db(user).RunAsync((db, _) => WalletPostings.PostAsync(db,
                new LedgerPosting($"drill:{i}:{user.UserId}", user.UserId!.Value, WalletCurrency.Points, 10 * i, LedgerSource.DailyTask)));
        }

        await new AuditLog(pg.Db(admin)).RecordAsync(new AuditEvent(AuditActions.RoleGranted, AuditTargets.User, owner.UserId.ToString(), "owner",
            Before: new { roles = Array.Empty<string>() }, After: new { roles = new[] { "star_owner" } }, Reason: "drill"));
        await new AuditLog(pg.Db(UserContext.Anonymous)).RecordAsync(new AuditEvent(AuditActions.SignInFailed, AuditTargets.User, null, "nobody@example.test"));
        await using (var jobs = new NpgsqlConnection(pg.JobsConnectionString))
        {
            await jobs.OpenAsync();
            await using var cmd = new NpgsqlCommand(
                "CREATE TABLE hangfire.drill_job (id bigserial PRIMARY KEY, payload jsonb NOT NULL); INSERT INTO hangfire.drill_job (payload) VALUES ('{\"a\":1}'), ('{\"b\":2}');", jobs);
            await cmd.ExecuteNonQueryAsync();
        }

        var objectsRoot = Path.Combine(scratch, "objects");
        var store = new LocalObjectStore(objectsRoot);
        await store.PutAsync(Buckets.Avatars, $"{owner.UserId}/avatar.png", new MemoryStream([1, 2, 3]), "image/png");
        await store.PutAsync(Buckets.KnowledgeRaw, $"{star}/{task}/source.txt", new MemoryStream("原文"u8.ToArray()), "text/plain; charset=utf-8");

        var before = await BackupScripts.TableChecksumsAsync(BackupScripts.BackupConnectionFor(pg.Name));
        foreach (var table in new[] { "public.users", "public.stars", "public.knowledge_chunks", "public.star_embeddings", "public.profile_wallet_ledger", "public.user_balance", "public.audit_logs", "hangfire.drill_job" })
        {
            Assert.True(before.TryGetValue(table, out var t) && t.Rows > 0, $"the drill's source has no rows in {table}");
        }

        // --- back up, restore into a fresh database and directory
        var backup = await BackupScripts.RunAsync("backup.sh", BackupScripts.Settings(pg.Name, objectsRoot), "--output", Path.Combine(scratch, "backups"));
        Assert.True(backup.ExitCode == 0, backup.ToString());
        var folder = backup.Stdout.Split('\n')[^1];
        Assert.True(File.Exists(Path.Combine(folder, "manifest.json")), backup.ToString());

        var restored = pg.Name + "_r";
        var restoredObjects = Path.Combine(scratch, "restored-objects");
        try
        {
            var restore = await BackupScripts.RunAsync("restore.sh", BackupScripts.Settings(restored, restoredObjects), folder);
            Assert.True(restore.ExitCode == 0, restore.ToString());

            // Every table, row for row.
            var after = await BackupScripts.TableChecksumsAsync(BackupScripts.BackupConnectionFor(restored));
            Assert.Equal(BackupScripts.Describe(before.Select(kv => $"{kv.Key} {kv.Value.Rows} {kv.Value.Md5}")),
                BackupScripts.Describe(after.Select(kv => $"{kv.Key} {kv.Value.Rows} {kv.Value.Md5}")));
            // The same owners (the migrating role, and the jobs role for Hangfire's), policies, triggers and privileges.
            Assert.Equal(BackupScripts.Describe(await BackupScripts.SecurityCatalogAsync(pg.MaintConnectionString)),
                BackupScripts.Describe(await BackupScripts.SecurityCatalogAsync(PostgresDatabase.MaintConnectionFor(restored))));

            // The app's start step on the copy: nothing to migrate, the grants again.
            var ownerCs = PostgresDatabase.ForDatabase(PostgresDatabase.ServerConnectionString, restored);
            await DatabaseMigrator.MigrateAsync(ownerCs, PostgresDatabase.AppConnectionFor(restored), PostgresDatabase.JobsConnectionFor(restored), logger: null);

            // The app role, through row-level security: the owner sees its star's chunks and its wallet, the player
            // neither the private star nor the owner's wallet, only the admin the audit log.
            var app = new StarStudioContextFactory(PostgresDatabase.AppConnectionFor(restored));
            StarStudioDb As(UserContext u) => new(app, new FixedCurrentUser(u));
            Assert.Equal(20, await As(owner).RunAsync((db, _) => db.StarEmbeddings.CountAsync(e => e.StarId == star)));
            Assert.Equal(20, (await new PostgresKnowledgeChunkStore(As(owner)).ListAsync(star, task, 0, 100)).Items.Count);
            Assert.Equal(30L, await As(owner).RunAsync((db, _) => db.UserBalances.Where(b => b.UserId == owner.UserId).Select(b => b.Points).SingleAsync()));
            Assert.Equal(0, await As(player).RunAsync((db, _) => db.StarEmbeddings.CountAsync(e => e.StarId == star)));
            Assert.Equal(0, await As(player).RunAsync((db, _) => db.UserBalances.CountAsync(b => b.UserId == owner.UserId)));
            Assert.Equal(0, await As(player).RunAsync((db, _) => db.AuditLogs.CountAsync()));
            Assert.Equal(2, await As(admin).RunAsync((db, _) => db.AuditLogs.CountAsync()));
            // New writes work on the copy (sequences and definer functions came along), and the audit log is still
            // append-only there: its trigger refuses even the owner.
            await As(admin).RunAsync((db, _) => AuditTrail.AppendAsync(db, new AuditEvent(AuditActions.RoleGranted, AuditTargets.User, "x", "after restore"), null, CancellationToken.None));
            Assert.Equal(3, await As(admin).RunAsync((db, _) => db.AuditLogs.CountAsync()));
            await using (var conn = new NpgsqlConnection(PostgresDatabase.MaintConnectionFor(restored)))
            {
                await conn.OpenAsync();
                await using var delete = new NpgsqlCommand("DELETE FROM audit_logs", conn);
                await Assert.ThrowsAsync<PostgresException>(() => delete.ExecuteNonQueryAsync());
            }

            // The objects, through the store.
            var copy = new LocalObjectStore(restoredObjects);
            await using (var avatar = await copy.GetAsync(Buckets.Avatars, $"{owner.UserId}/avatar.png"))
            {
                Assert.NotNull(avatar);
                Assert.Equal("image/png", avatar!.ContentType);
            }

            // A second restore into the now populated database is refused without --force, and changes nothing.
            var again = await BackupScripts.RunAsync("restore.sh", BackupScripts.Settings(restored, Path.Combine(scratch, "elsewhere")), folder);
            Assert.NotEqual(0, again.ExitCode);
            Assert.Contains("is not empty", again.Stderr, StringComparison.Ordinal);
            Assert.Equal(3, await As(admin).RunAsync((db, _) => db.AuditLogs.CountAsync()));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var conn = new NpgsqlConnection(PostgresDatabase.ServerConnectionString);
            await conn.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {restored} WITH (FORCE)", conn);
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task Objects_LocalDirectory_RoundTripThroughTheStore_AndADamagedBackupIsRefused()
    {
        var objectsRoot = Path.Combine(scratch, "objects");
        var store = new LocalObjectStore(objectsRoot);
        await store.EnsureBucketsAsync();
        var objects = new Dictionary<(string Bucket, string Key), (byte[] Body, string Type)>
        {
            [(Buckets.Avatars, "u1/avatar.png")] = ([137, 80, 78, 71, 0, 255], "image/png"),
            [(Buckets.KnowledgeRaw, "star/task/notes_v1.md")] = (Encoding.UTF8.GetBytes("# 标题\n正文"), "text/markdown"),
            [(Buckets.ModelArtifacts, "m/v1/adapter.bin")] = (Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray(), "application/octet-stream"),
            [(Buckets.Exports, "empty.csv")] = ([], "text/csv"),
        };
        foreach (var ((bucket, key), (body, type)) in objects)
        {
            await store.PutAsync(bucket, key, new MemoryStream(body), type);
        }

        var backup = await BackupScripts.RunAsync("backup.sh", BackupScripts.Settings(pg.Name, objectsRoot), "--output", Path.Combine(scratch, "backups"));
        Assert.True(backup.ExitCode == 0, backup.ToString());
        var folder = backup.Stdout.Split('\n')[^1];

        var target = Path.Combine(scratch, "restored");
        var settings = BackupScripts.Settings(pg.Name, target);
        var restore = await BackupScripts.RunAsync("restore.sh", settings, folder, "--no-database");
        Assert.True(restore.ExitCode == 0, restore.ToString());

        var copy = new LocalObjectStore(target);
        foreach (var ((bucket, key), (body, type)) in objects)
        {
            await using var o = await copy.GetAsync(bucket, key);
            Assert.NotNull(o);
            using var read = new MemoryStream();
            await o!.Content.CopyToAsync(read);
            Assert.Equal(body, read.ToArray());
            Assert.Equal(type, o.ContentType);
        }

        foreach (var bucket in Buckets.All)
        {
            var original = await store.ListAsync(bucket, "").ToListAsync();
            Assert.Equal(original, await copy.ListAsync(bucket, "").ToListAsync());
        }

        // Restoring over the now non-empty directory needs --force, which moves it aside rather than deleting it.
        var over = await BackupScripts.RunAsync("restore.sh", settings, folder, "--no-database");
        Assert.NotEqual(0, over.ExitCode);
        Assert.Contains("not empty", over.Stderr, StringComparison.Ordinal);
        var forced = await BackupScripts.RunAsync("restore.sh", settings, folder, "--no-database", "--force");
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Single(Directory.GetDirectories(scratch, "restored.before-restore-*"));

        // A damaged file fails its checksum, and nothing is restored.
        var tar = Path.Combine(folder, "objects.tar");
        var bytes = await File.ReadAllBytesAsync(tar);
        bytes[bytes.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(tar, bytes);
        var fresh = Path.Combine(scratch, "fresh");
        var damaged = await BackupScripts.RunAsync("restore.sh", BackupScripts.Settings(pg.Name, fresh), folder, "--no-database");
        Assert.NotEqual(0, damaged.ExitCode);
        Assert.Contains("SHA256SUMS", damaged.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(fresh));
    }
}
