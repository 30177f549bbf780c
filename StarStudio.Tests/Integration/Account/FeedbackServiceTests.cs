using System.Text;
using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Account;
using StarStudio.Core.Common;
using StarStudio.Core.Storage;
using StarStudio.Data.Account;
using StarStudio.Data.Storage;
using StarStudio.Tests.Integration.Storage;

namespace StarStudio.Tests.Integration.Account;

/// <summary>Help and feedback on the real PostgreSQL (row-level security as the app role) and the real S3 server.</summary>
public sealed class FeedbackServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3];
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 0x4A, 0x46, 0x49, 0x46, 0, 1];
    private static readonly byte[] Webp = Encoding.ASCII.GetBytes("RIFF\x10\x00\x00\x00WEBPVP8 \x00\x00");

    private readonly MinioObjectStore objects = new(MinioObjectStore.CreateClient(TestS3.Options()));
    private readonly List<Guid> users = [];

    public Task InitializeAsync() => objects.EnsureBucketsAsync();

    public async Task DisposeAsync()
    {
        foreach (var user in users)
        {
            await foreach (var key in objects.ListAsync(Buckets.FeedbackEvidence, $"{user:N}/"))
            {
                await objects.DeleteAsync(Buckets.FeedbackEvidence, key);
            }
        }

        objects.Dispose();
    }

    private IFeedbackService ServiceFor(UserContext user) => new FeedbackService(pg.Db(user), new FixedCurrentUser(user), objects, TimeProvider.System);

    private async Task<UserContext> UserAsync(params string[] roles)
    {
        var user = await pg.CreateUserAsync(null, roles);
        users.Add(user.UserId!.Value);
        return user;
    }

    private static FeedbackDraft Draft(string? phone = null) => new() { Description = "上传头像时页面一直转圈，刷新后也不行。", ContactPhone = phone };

    private static FeedbackImageUpload Image(string name, byte[] bytes, long? declared = null) =>
        new(name, declared ?? bytes.Length, new MemoryStream(bytes));

    private async Task<FeedbackView> SubmitAsync(UserContext user, params FeedbackImageUpload[] images)
    {
        var result = await ServiceFor(user).SubmitAsync(Draft(), images);
        Assert.True(result.Succeeded, string.Join(", ", result.Errors.Select(e => e.Code)));
        return result.Value!;
    }

    private async Task<List<string>> StoredKeysAsync(UserContext user)
    {
        var keys = new List<string>();
        await foreach (var key in objects.ListAsync(Buckets.FeedbackEvidence, $"{user.UserId:N}/"))
        {
            keys.Add(key);
        }

        return keys;
    }

    [Fact]
    public async Task Submit_ThreeImages_StoresTheRowAndTheObjectsWithKeysAndMetadataOnly()
    {
        var user = await UserAsync();

        var result = await ServiceFor(user).SubmitAsync(Draft("+86 138-1234-5678"),
            [Image("a.png", Png), Image("b.jpeg", Jpeg), Image("C:\\shots\\c.webp", Webp)]);

        Assert.True(result.Succeeded);
        var view = result.Value!;
        Assert.Equal(FeedbackStatus.Open, view.Status);
        Assert.Equal("13812345678", view.ContactPhone);
        Assert.Equal(["image/png", "image/jpeg", "image/webp"], view.Evidence.Select(e => e.ContentType));
        Assert.Equal(["a.png", "b.jpeg", "c.webp"], view.Evidence.Select(e => e.FileName));
        Assert.Equal(3, (await StoredKeysAsync(user)).Count);
        await using (var stored = await objects.GetAsync(Buckets.FeedbackEvidence, view.Evidence[1].Key))
        {
            using var copy = new MemoryStream();
            await stored!.Content.CopyToAsync(copy);
            Assert.Equal(Jpeg, copy.ToArray());
        }

        await using var db = pg.OwnerContext();
        var row = await db.FeedbackSubmissions.SingleAsync(f => f.FeedbackId == view.Id);
        Assert.Equal(user.UserId, row.UserId);
        Assert.Contains(view.Evidence[0].Key, row.EvidenceJson, StringComparison.Ordinal);
        Assert.DoesNotContain("data:", row.EvidenceJson, StringComparison.Ordinal);
        Assert.DoesNotContain("base64", row.EvidenceJson, StringComparison.Ordinal);
        Assert.Equal([view.Id], (await ServiceFor(user).ListMineAsync()).Select(f => f.Id));
    }

    [Fact]
    public async Task Submit_FourImages_IsRefusedAndStoresNothing()
    {
        var user = await UserAsync();

        var result = await ServiceFor(user).SubmitAsync(Draft(), [Image("1.png", Png), Image("2.png", Png), Image("3.png", Png), Image("4.png", Png)]);

        Assert.Equal(ResultKind.Invalid, result.Kind);
        Assert.Equal(("Images", "Feedback.Images.TooMany"), (result.Errors[0].Field, result.Errors[0].Code));
        Assert.Empty(await ServiceFor(user).ListMineAsync());
        Assert.Empty(await StoredKeysAsync(user));
    }

    [Fact]
    public async Task Submit_HtmlNamedPngOrGif_IsRefusedByItsBytesAndStoresNothing()
    {
        var user = await UserAsync();

        var result = await ServiceFor(user).SubmitAsync(Draft(),
            [Image("ok.png", Png), Image("evil.png", Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html>")), Image("anim.gif", Encoding.ASCII.GetBytes("GIF89a\x01\x00"))]);

        Assert.Equal(ResultKind.Invalid, result.Kind);
        Assert.Equal(["Feedback.Images.NotImage", "Feedback.Images.NotImage"], result.Errors.Select(e => e.Code));
        Assert.Equal("evil.png", result.Errors[0].Args[0]);
        Assert.Empty(await ServiceFor(user).ListMineAsync());
        Assert.Empty(await StoredKeysAsync(user));
    }

    [Fact]
    public async Task Submit_ImageLargerThanItsDeclaredSizeAndTheLimit_IsRefusedWhileReading()
    {
        var user = await UserAsync();
        var big = new byte[FeedbackRules.MaxImageBytes + 1];
        Png.CopyTo(big, 0);

        var result = await ServiceFor(user).SubmitAsync(Draft(), [Image("big.png", big, declared: 1000)]);

        Assert.Equal("Feedback.Images.TooLarge", Assert.Single(result.Errors).Code);
        Assert.Empty(await StoredKeysAsync(user));
    }

    [Fact]
    public async Task Submit_BadDescriptionAndPhone_ReportsBothFields()
    {
        var user = await UserAsync();

        var result = await ServiceFor(user).SubmitAsync(new FeedbackDraft { Description = "短", ContactPhone = "12345" }, []);

        Assert.Equal(["Description", "ContactPhone"], result.Errors.Select(e => e.Field));
    }

    [Fact]
    public async Task Stranger_CannotListOpenOrReadAnothersSubmissionOrImages()
    {
        var owner = await UserAsync();
        var stranger = await UserAsync();
        var mine = await SubmitAsync(owner, Image("a.png", Png));

        Assert.Empty(await ServiceFor(stranger).ListMineAsync());
        Assert.Null(await ServiceFor(stranger).OpenEvidenceAsync(mine.Id, 0));
        Assert.Equal(ResultKind.Forbidden, (await ServiceFor(stranger).GetAsync(mine.Id)).Kind);
        Assert.Equal(ResultKind.Forbidden, (await ServiceFor(stranger).ListAllAsync(null, 0, 20)).Kind);
        Assert.Equal(ResultKind.Forbidden, (await ServiceFor(stranger).ReplyAsync(mine.Id, new FeedbackReply { Reply = "hi", Status = FeedbackStatus.Resolved })).Kind);
        // Row-level security, past the service: the stranger's transaction sees no row at all.
        var seen = await pg.Db(stranger).RunAsync((ctx, _) => ctx.FeedbackSubmissions.CountAsync(f => f.FeedbackId == mine.Id));
        Assert.Equal(0, seen);

        await using var image = await ServiceFor(owner).OpenEvidenceAsync(mine.Id, 0);
        Assert.NotNull(image);
        Assert.Equal("image/png", image.Evidence.ContentType);
        Assert.Null(await ServiceFor(owner).OpenEvidenceAsync(mine.Id, 1));
    }

    [Fact]
    public async Task User_CannotChangeTheirOwnSubmissionsStatusOrFileOneForSomeoneElse()
    {
        var user = await UserAsync();
        var other = await UserAsync();
        var mine = await SubmitAsync(user);

        var updated = await pg.Db(user).RunAsync((ctx, _) => ctx.FeedbackSubmissions.Where(f => f.FeedbackId == mine.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.Status, FeedbackStatus.Resolved).SetProperty(f => f.AdminReply, "自己回复")));
        Assert.Equal(0, updated);

        var forged = await Assert.ThrowsAsync<DbUpdateException>(() => pg.Db(user).RunAsync(async (ctx, _) =>
        {
            ctx.FeedbackSubmissions.Add(new FeedbackSubmission { FeedbackId = Guid.NewGuid(), UserId = other.UserId!.Value, Description = "冒名提交的反馈" });
            await ctx.SaveChangesAsync();
        }));
        Assert.Equal("42501", Assert.IsType<Npgsql.PostgresException>(forged.InnerException).SqlState);
    }

    [Fact]
    public async Task Admin_ListsFiltersOpensImagesRepliesAndTheSubmitterSeesTheReply()
    {
        var user = await UserAsync();
        var admin = await UserAsync(Core.Identity.RoleNames.Admin);
        var first = await SubmitAsync(user, Image("a.png", Png));
        var second = await SubmitAsync(user);

        var all = await ServiceFor(admin).ListAllAsync(null, 0, 20);
        Assert.True(all.Succeeded);
        Assert.Contains(all.Value!.Items, f => f.Id == first.Id && f.UserEmail is not null);
        await using (var image = await ServiceFor(admin).OpenEvidenceAsync(first.Id, 0))
        {
            Assert.NotNull(image);
        }

        var replied = await ServiceFor(admin).ReplyAsync(first.Id, new FeedbackReply { Reply = "  已修复，请刷新后再试。 ", Status = FeedbackStatus.Resolved });

        Assert.True(replied.Succeeded);
        Assert.Equal("已修复，请刷新后再试。", replied.Value!.AdminReply);
        Assert.NotNull(replied.Value.RepliedAt);
        var resolved = (await ServiceFor(admin).ListAllAsync(FeedbackStatus.Resolved, 0, 20)).Value!.Items.Select(f => f.Id).ToList();
        Assert.Contains(first.Id, resolved);
        Assert.DoesNotContain(second.Id, resolved);
        var seen = (await ServiceFor(user).ListMineAsync()).Single(f => f.Id == first.Id);
        Assert.Equal((FeedbackStatus.Resolved, "已修复，请刷新后再试。"), (seen.Status, seen.AdminReply));
        // The admin reads everyone's, but their own list is only their own.
        Assert.Empty(await ServiceFor(admin).ListMineAsync());
    }

    [Fact]
    public async Task Admin_ReplyOverTheLimit_IsRefusedAtTheField()
    {
        var user = await UserAsync();
        var admin = await UserAsync(Core.Identity.RoleNames.Admin);
        var item = await SubmitAsync(user);

        var result = await ServiceFor(admin).ReplyAsync(item.Id, new FeedbackReply { Reply = new string('复', FeedbackRules.ReplyMax + 1) });

        Assert.Equal(("Reply", "Feedback.Reply.TooLong"), (result.Errors[0].Field, result.Errors[0].Code));
        Assert.Null((await ServiceFor(user).ListMineAsync()).Single().AdminReply);
    }

    [Fact]
    public async Task Admin_CannotRewriteWhatTheUserSubmitted()
    {
        var user = await UserAsync();
        var admin = await UserAsync(Core.Identity.RoleNames.Admin);
        var item = await SubmitAsync(user);

        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => pg.Db(admin).RunAsync((ctx, _) =>
            ctx.FeedbackSubmissions.Where(f => f.FeedbackId == item.Id).ExecuteUpdateAsync(s => s.SetProperty(f => f.Description, "改写过的描述"))));

        Assert.Equal("42501", error.SqlState);
    }
}
