using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StarStudio.Core.Common;
using StarStudio.Core.Identity;
using StarStudio.Core.Knowledge;
using StarStudio.Core.Knowledge.Webhooks;
using StarStudio.Core.Stars;
using StarStudio.Data.Knowledge;
using StarStudio.Data.Knowledge.Webhooks;

namespace StarStudio.Tests.Integration.Knowledge.Webhooks;

public sealed class KnowledgeWebhookServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private static readonly byte[] TextBody = Encoding.UTF8.GetBytes("""{"title":"修复笔记","text":"糨糊要用小麦淀粉。"}""");

    private readonly RecordingKnowledgeFactory knowledge = new();
    private readonly IDataProtectionProvider protection = new EphemeralDataProtectionProvider();

    private KnowledgeWebhookService ServiceFor(UserContext user, KnowledgeWebhookOptions? options = null) =>
        new(pg.Db(user), pg.AppContextFactory(), knowledge, protection, Options.Create(options ?? new KnowledgeWebhookOptions()),
            TimeProvider.System, NullLogger<KnowledgeWebhookService>.Instance);

    private KnowledgeWebhookService Inbound(KnowledgeWebhookOptions? options = null) => ServiceFor(UserContext.Anonymous, options);

    private async Task<(UserContext Owner, Guid StarId)> OwnerWithStarAsync(StarStatus status = StarStatus.Active)
    {
        var owner = await pg.CreateUserAsync(null, RoleNames.StarOwner);
        var starId = Guid.NewGuid();
        await using var db = pg.OwnerContext();
        db.Stars.Add(new Star
        {
            Id = starId, OwnerId = owner.UserId!.Value, Name = "墨痕", Domain = "古籍修复", Persona = "p", Tone = "t", Status = status,
            CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        return (owner, starId);
    }

    private async Task<(UserContext Owner, Guid StarId, CreatedWebhookSource Created)> SourceAsync(string name = "Notion sync")
    {
        var (owner, starId) = await OwnerWithStarAsync();
        var created = await ServiceFor(owner).CreateAsync(starId, name);
        Assert.True(created.Succeeded);
        return (owner, starId, created.Value!);
    }

    private static Task<WebhookReceiveResult> SendAsync(
        IKnowledgeWebhookService hooks, Guid sourceId, string secret, byte[] body,
        string? contentType = "application/json", string? fileName = null, DateTimeOffset? at = null)
    {
        var ts = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return hooks.ReceiveAsync(sourceId, ts, WebhookSignature.Sign(secret, ts, body), contentType, fileName, body);
    }

    private async Task<int> ReceiptCountAsync(Guid sourceId)
    {
        await using var db = pg.OwnerContext();
        return await db.KnowledgeWebhookReceipts.CountAsync(r => r.SourceId == sourceId);
    }

    [Fact]
    public async Task Create_ValidName_ReturnsTheSecretOnceAndStoresItProtected()
    {
        var (owner, starId) = await OwnerWithStarAsync();

        var created = await ServiceFor(owner).CreateAsync(starId, "  Notion sync  ");

        Assert.True(created.Succeeded);
        var value = created.Value!;
        Assert.Matches("^whsec_[A-Za-z0-9_-]{43}$", value.Secret);
        Assert.Equal($"/hooks/knowledge/{value.Source.Id}", value.UrlPath);
        Assert.Equal("Notion sync", value.Source.Name);
        Assert.True(value.Source.IsActive);
        await using var db = pg.OwnerContext();
        var row = await db.KnowledgeWebhookSources.SingleAsync(s => s.Id == value.Source.Id);
        Assert.Equal(starId, row.StarId);
        Assert.DoesNotContain(value.Secret, row.SecretProtected, StringComparison.Ordinal);
        Assert.Equal(value.Secret, protection.CreateProtector("StarStudio.Knowledge.WebhookSecret").Unprotect(row.SecretProtected));
    }

    [Fact]
    public async Task List_Owner_ShowsTheSourcesWithoutAnySecret()
    {
        var (owner, starId, created) = await SourceAsync();

        var listed = await ServiceFor(owner).ListAsync(starId);

        var source = Assert.Single(listed.Value!);
        Assert.Equal(created.Source.Id, source.Id);
        Assert.Equal(created.UrlPath, source.UrlPath);
        var json = JsonSerializer.Serialize(listed.Value);
        Assert.DoesNotContain(created.Secret, json, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", json, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("", 0, "Knowledge.Webhook.Name.Required")]
    [InlineData("   ", 0, "Knowledge.Webhook.Name.Required")]
    [InlineData("", 81, "Knowledge.Webhook.Name.TooLong")]
    public async Task Create_BadName_ReturnsTheFieldErrorAndStoresNothing(string name, int repeat, string code)
    {
        var (owner, starId) = await OwnerWithStarAsync();
        name = repeat == 0 ? name : new string('星', repeat);

        var created = await ServiceFor(owner).CreateAsync(starId, name);

        Assert.Equal(ResultKind.Invalid, created.Kind);
        var error = Assert.Single(created.Errors);
        Assert.Equal(("Name", code), (error.Field, error.Code));
        Assert.Empty((await ServiceFor(owner).ListAsync(starId)).Value!);
    }

    [Fact]
    public async Task Create_OtherUsersStar_IsNotFound()
    {
        var (_, starId) = await OwnerWithStarAsync();
        var b = await pg.CreateUserAsync();

        var created = await ServiceFor(b).CreateAsync(starId, "mine now");

        Assert.Equal(ResultKind.NotFound, created.Kind);
        await using var db = pg.OwnerContext();
        Assert.False(await db.KnowledgeWebhookSources.AnyAsync(s => s.StarId == starId));
    }

    [Fact]
    public async Task Create_ArchivedStar_IsRefused()
    {
        var (owner, starId) = await OwnerWithStarAsync(StarStatus.Archived);

        var created = await ServiceFor(owner).CreateAsync(starId, "hook");

        Assert.Equal("Star.Archived.ReadOnly", Assert.Single(created.Errors).Code);
    }

    [Fact]
    public async Task ListRevokeDelete_OtherUser_AreNotFoundAndChangeNothing()
    {
        var (owner, starId, created) = await SourceAsync();
        var b = ServiceFor(await pg.CreateUserAsync());

        var listed = await b.ListAsync(starId);
        var revoked = await b.RevokeAsync(created.Source.Id);
        var deleted = await b.DeleteAsync(created.Source.Id);

        Assert.Equal(ResultKind.NotFound, listed.Kind);
        Assert.Equal(ResultKind.NotFound, revoked.Kind);
        Assert.Equal(ResultKind.NotFound, deleted.Kind);
        Assert.True(Assert.Single((await ServiceFor(owner).ListAsync(starId)).Value!).IsActive);
    }

    [Fact]
    public async Task Receive_GoodSignedText_AddsItAsTheOwnerAndAnswers202WithTheTask()
    {
        var (owner, starId, created) = await SourceAsync();

        var result = await SendAsync(Inbound(), created.Source.Id, created.Secret, TextBody);

        Assert.Equal(202, result.StatusCode);
        Assert.Equal(WebhookStatuses.Accepted, result.Status);
        var call = Assert.Single(knowledge.Calls);
        Assert.NotNull(result.TaskId);
        Assert.Equal((starId, created.Source.Id, "修复笔记.txt"), (call.StarId, call.SourceId, call.Name));
        Assert.Equal("糨糊要用小麦淀粉。", Encoding.UTF8.GetString(call.Content));
        Assert.Equal(call.Content.Length, call.DeclaredLength);
        Assert.Equal(owner.UserId, call.ActingAs.UserId);
        Assert.True(call.StarVisible);
        var listed = Assert.Single((await ServiceFor(owner).ListAsync(starId)).Value!);
        Assert.NotNull(listed.LastUsedAt);
        Assert.Equal(1, await ReceiptCountAsync(created.Source.Id));
    }

    [Fact]
    public async Task Receive_GoodSignedMarkdown_IsAnMdDocument()
    {
        var (_, _, created) = await SourceAsync();
        var body = Encoding.UTF8.GetBytes("""{"title":"Glossary","text":"# Terms","format":"markdown"}""");

        var result = await SendAsync(Inbound(), created.Source.Id, created.Secret, body, "application/json; charset=utf-8");

        Assert.Equal(202, result.StatusCode);
        Assert.Equal("Glossary.md", Assert.Single(knowledge.Calls).Name);
    }

    [Fact]
    public async Task Receive_GoodSignedFile_AddsTheBytesUnderTheHeaderName()
    {
        var (_, starId, created) = await SourceAsync();
        byte[] pdf = [0x25, 0x50, 0x44, 0x46, 0x2D, 0x31, 0x2E, 0x37];

        var result = await SendAsync(Inbound(), created.Source.Id, created.Secret, pdf, "application/pdf", "%E6%8A%A5%E5%91%8A.pdf");

        Assert.Equal(202, result.StatusCode);
        var call = Assert.Single(knowledge.Calls);
        Assert.Equal((starId, "报告.pdf"), (call.StarId, call.Name));
        Assert.Equal(pdf, call.Content);
    }

    [Fact]
    public async Task Receive_BadSignature_Is401AndRecordsNothing()
    {
        var (owner, starId, created) = await SourceAsync();

        var result = await SendAsync(Inbound(), created.Source.Id, "whsec_not-the-secret", TextBody);

        Assert.Equal(401, result.StatusCode);
        Assert.Equal(WebhookStatuses.BadSignature, result.Status);
        Assert.Contains("signature does not match", result.Message, StringComparison.Ordinal);
        Assert.Empty(knowledge.Calls);
        Assert.Equal(0, await ReceiptCountAsync(created.Source.Id));
        Assert.Null(Assert.Single((await ServiceFor(owner).ListAsync(starId)).Value!).LastUsedAt);
    }

    [Fact]
    public async Task Receive_TimestampSixMinutesOld_Is401Expired()
    {
        var (_, _, created) = await SourceAsync();

        var result = await SendAsync(Inbound(), created.Source.Id, created.Secret, TextBody, at: DateTimeOffset.UtcNow.AddMinutes(-6));

        Assert.Equal(401, result.StatusCode);
        Assert.Equal(WebhookStatuses.Expired, result.Status);
        Assert.Contains("5 minutes", result.Message, StringComparison.Ordinal);
        Assert.Empty(knowledge.Calls);
    }

    [Fact]
    public async Task Receive_MissingHeaders_Is401MissingHeaders()
    {
        var (_, _, created) = await SourceAsync();

        var result = await Inbound().ReceiveAsync(created.Source.Id, null, null, "application/json", null, TextBody);

        Assert.Equal((401, WebhookStatuses.MissingHeaders), (result.StatusCode, result.Status));
        Assert.Empty(knowledge.Calls);
    }

    [Fact]
    public async Task Receive_SameRequestTwice_Is409OnTheSecond()
    {
        var (_, _, created) = await SourceAsync();
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = WebhookSignature.Sign(created.Secret, ts, TextBody);

        var first = await Inbound().ReceiveAsync(created.Source.Id, ts, signature, "application/json", null, TextBody);
        var second = await Inbound().ReceiveAsync(created.Source.Id, ts, signature.ToUpperInvariant(), "application/json", null, TextBody);

        Assert.Equal(202, first.StatusCode);
        Assert.Equal(409, second.StatusCode);
        Assert.Equal("this request was already received", second.Message);
        Assert.Single(knowledge.Calls);
    }

    [Fact]
    public async Task Receive_SameRequestTwiceAtOnce_AddsItOnce()
    {
        var (_, _, created) = await SourceAsync();
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = WebhookSignature.Sign(created.Secret, ts, TextBody);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            Inbound().ReceiveAsync(created.Source.Id, ts, signature, "application/json", null, TextBody)));

        Assert.Equal([202, 409, 409, 409], results.Select(r => r.StatusCode).Order());
        Assert.Single(knowledge.Calls);
    }

    [Fact]
    public async Task Receive_RevokedSource_Is404()
    {
        var (owner, _, created) = await SourceAsync();
        var revoked = await ServiceFor(owner).RevokeAsync(created.Source.Id);

        var result = await SendAsync(Inbound(), created.Source.Id, created.Secret, TextBody);

        Assert.False(revoked.Value!.IsActive);
        Assert.Equal((404, "unknown or revoked webhook"), (result.StatusCode, result.Message));
        Assert.Empty(knowledge.Calls);
    }

    [Fact]
    public async Task Receive_DeletedSource_Is404()
    {
        var (owner, starId, created) = await SourceAsync();
        var deleted = await ServiceFor(owner).DeleteAsync(created.Source.Id);

        var result = await SendAsync(Inbound(), created.Source.Id, created.Secret, TextBody);

        Assert.True(deleted.Value);
        Assert.Empty((await ServiceFor(owner).ListAsync(starId)).Value!);
        Assert.Equal(404, result.StatusCode);
    }

    [Fact]
    public async Task Receive_UnknownSource_Is404()
    {
        var result = await SendAsync(Inbound(), Guid.NewGuid(), "whsec_anything", TextBody);

        Assert.Equal((404, WebhookStatuses.UnknownSource), (result.StatusCode, result.Status));
        Assert.Empty(knowledge.Calls);
    }

    [Fact]
    public async Task Receive_ArchivedStar_Is404()
    {
        var (_, starId, created) = await SourceAsync();
        await using (var db = pg.OwnerContext())
        {
            await db.Stars.Where(s => s.Id == starId).ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, StarStatus.Archived));
        }

        var result = await SendAsync(Inbound(), created.Source.Id, created.Secret, TextBody);

        Assert.Equal(404, result.StatusCode);
    }

    [Fact]
    public async Task Receive_FileWithoutFileName_Is400AndRecordsNothing()
    {
        var (_, _, created) = await SourceAsync();

        var result = await SendAsync(Inbound(), created.Source.Id, created.Secret, [1, 2, 3], "application/octet-stream");

        Assert.Equal((400, WebhookStatuses.MissingFileName), (result.StatusCode, result.Status));
        Assert.Empty(knowledge.Calls);
        Assert.Equal(0, await ReceiptCountAsync(created.Source.Id));
    }

    [Fact]
    public async Task Receive_ContentRefused_Is422WithTheCode()
    {
        var (_, _, created) = await SourceAsync();
        knowledge.Answer = _ => Result<KnowledgeTask>.Invalid("File", "Knowledge.File.Unsupported");

        var result = await SendAsync(Inbound(), created.Source.Id, created.Secret, [1, 2, 3], "application/zip", "a.zip");

        Assert.Equal((422, WebhookStatuses.Refused, "Knowledge.File.Unsupported"), (result.StatusCode, result.Status, result.Code));
        Assert.Contains("Knowledge.File.Unsupported", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Receive_ContentTheStarAlreadyHas_Is200Duplicate()
    {
        var (_, _, created) = await SourceAsync();
        knowledge.Answer = _ => Result<KnowledgeTask>.Invalid("File", "Knowledge.Duplicate", "修复笔记.txt");

        var result = await SendAsync(Inbound(), created.Source.Id, created.Secret, TextBody);

        Assert.Equal((200, WebhookStatuses.Duplicate, "Knowledge.Duplicate"), (result.StatusCode, result.Status, result.Code));
        Assert.Null(result.TaskId);
        Assert.Contains("修复笔记.txt", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Receive_ContentServiceFails_ForgetsTheReceiptSoTheSameRequestCanBeRetried()
    {
        var (_, _, created) = await SourceAsync();
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = WebhookSignature.Sign(created.Secret, ts, TextBody);
        knowledge.Answer = _ => throw new InvalidOperationException("object store down");

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Inbound().ReceiveAsync(created.Source.Id, ts, signature, "application/json", null, TextBody));
        Assert.Equal(0, await ReceiptCountAsync(created.Source.Id));
        knowledge.Answer = new RecordingKnowledgeFactory().Answer;
        var retried = await Inbound().ReceiveAsync(created.Source.Id, ts, signature, "application/json", null, TextBody);

        Assert.Equal(202, retried.StatusCode);
    }

    [Fact]
    public async Task Receive_OldReceipts_AreForgottenAndFreshOnesKept()
    {
        var (_, _, created) = await SourceAsync();
        await using (var db = pg.OwnerContext())
        {
            db.KnowledgeWebhookReceipts.AddRange(
                new KnowledgeWebhookReceipt { SourceId = created.Source.Id, Signature = new string('a', 64), ReceivedAt = DateTimeOffset.UtcNow.AddMinutes(-30) },
                new KnowledgeWebhookReceipt { SourceId = created.Source.Id, Signature = new string('b', 64), ReceivedAt = DateTimeOffset.UtcNow.AddMinutes(-2) });
            await db.SaveChangesAsync();
        }

        var result = await SendAsync(Inbound(), created.Source.Id, created.Secret, TextBody);

        Assert.Equal(202, result.StatusCode);
        await using var check = pg.OwnerContext();
        var left = await check.KnowledgeWebhookReceipts.Where(r => r.SourceId == created.Source.Id).Select(r => r.Signature).ToListAsync();
        Assert.Equal(2, left.Count);
        Assert.DoesNotContain(new string('a', 64), left);
    }

    [Fact]
    public async Task Receive_BodyOverTheLimit_Is413()
    {
        var (_, _, created) = await SourceAsync();

        var result = await SendAsync(Inbound(new KnowledgeWebhookOptions { MaxBodyBytes = 16 }), created.Source.Id, created.Secret, TextBody);

        Assert.Equal((413, WebhookStatuses.TooLarge), (result.StatusCode, result.Status));
        Assert.Empty(knowledge.Calls);
    }

    [Fact]
    public async Task Receive_BodyOverSystemConfigLimit_Is413()
    {
        var (_, _, created) = await SourceAsync();
        await using (var db = pg.OwnerContext())
        {
            await db.SystemConfigs.Where(c => c.Key == KnowledgeConfigKeys.MaxUploadFileSize).ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, "16"));
        }

        try
        {
            var result = await SendAsync(Inbound(), created.Source.Id, created.Secret, TextBody);

            Assert.Equal(413, result.StatusCode);
            Assert.Contains("16 bytes", result.Message, StringComparison.Ordinal);
        }
        finally
        {
            await using var db = pg.OwnerContext();
            await db.SystemConfigs.Where(c => c.Key == KnowledgeConfigKeys.MaxUploadFileSize).ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, "104857600"));
        }
    }

    [Fact]
    public async Task Receive_OneStarsWebhook_LeavesOtherStarsAndTasksUntouched()
    {
        var (_, _, created) = await SourceAsync();
        var (_, otherStar) = await OwnerWithStarAsync();
        await using (var db = pg.OwnerContext())
        {
            db.KnowledgeTasks.Add(new KnowledgeTask { StarId = otherStar, SourceType = KnowledgeSourceType.Note, SourceName = "n", CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        }

        await SendAsync(Inbound(), created.Source.Id, "whsec_wrong", TextBody);
        await SendAsync(Inbound(), created.Source.Id, created.Secret, TextBody, at: DateTimeOffset.UtcNow.AddMinutes(-6));

        Assert.Empty(knowledge.Calls);
        await using var check = pg.OwnerContext();
        Assert.Equal(1, await check.KnowledgeTasks.CountAsync(t => t.StarId == otherStar));
        Assert.Equal(StarStatus.Active, (await check.Stars.SingleAsync(s => s.Id == otherStar)).Status);
    }
}
