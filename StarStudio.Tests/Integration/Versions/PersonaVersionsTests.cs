using Microsoft.EntityFrameworkCore;
using Npgsql;
using StarStudio.Core.Common;
using StarStudio.Core.Stars;
using StarStudio.Data.Stars;
using StarStudio.Data.Storage;

namespace StarStudio.Tests.Integration.Versions;

public sealed class PersonaVersionsTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly string objectsRoot = Directory.CreateTempSubdirectory("starstudio-objects-").FullName;

    public void Dispose() => Directory.Delete(objectsRoot, recursive: true);

    private IStarService Stars(UserContext user) => new StarServiceFactory(new LocalObjectStore(objectsRoot), TimeProvider.System).Create(pg.Db(user));

    private IPersonaVersionService Versions(UserContext user) => new PersonaVersionService(pg.Db(user), TimeProvider.System);

    private IStarReviewService Reviews(UserContext user) => new StarReviewService(pg.Db(user), TimeProvider.System);

    private static StarDraft Draft(string persona = "她是一位古籍修复师，说话温和。") => new()
    {
        Name = "墨痕",
        Domain = "古籍修复",
        Persona = persona,
        Tone = "温和",
        Tags = ["古籍"],
        SystemPrompt = "不要编造出处。",
        Greeting = "你好，{{user}}，我是{{char}}。",
        AlternateGreetings = ["又见面了。"],
        ExampleDialogues = "<START>\n{{user}}: 这本书怎么修？\n{{char}}: 先看纸张。",
        Scenario = "图书馆古籍部。",
        CreatorNotes = "给创作者看的备注。",
    };

    private async Task<(UserContext Owner, Star Star)> CreateAsync(StarDraft? draft = null)
    {
        var owner = await pg.CreateUserAsync();
        var star = (await Stars(owner).CreateAsync(draft ?? Draft())).Value!;
        return (owner, star);
    }

    [Fact]
    public async Task Create_MakesVersion1_WithEverySnapshottedField()
    {
        var draft = Draft();
        draft.VersionSource = PersonaVersionSource.Import;
        draft.ChangeLog = "从角色卡导入";
        var (owner, star) = await CreateAsync(draft);

        var list = (await Versions(owner).ListAsync(star.Id)).Value!;

        var v1 = Assert.Single(list.Versions);
        Assert.Equal((1, PersonaVersionSource.Import, "从角色卡导入"), (v1.VersionNo, v1.Source, v1.ChangeLog));
        Assert.Equal(v1.Id, star.PersonaVersionId);
        Assert.Equal(v1.Id, list.CurrentVersionId);
        Assert.Null(list.PublicVersionId);
        var full = (await Versions(owner).GetAsync(v1.Id)).Value!;
        Assert.Equal(owner.UserId, full.CreatedBy);
        Assert.Equal((draft.SystemPrompt, draft.Greeting, draft.ExampleDialogues, draft.Scenario, draft.CreatorNotes),
            (full.SystemPrompt, full.Greeting, full.ExampleDialogues, full.Scenario, full.CreatorNotes));
        Assert.Equal(["又见面了。"], full.AlternateGreetings);
        Assert.Equal(["古籍"], full.Tags);
    }

    [Fact]
    public async Task Update_NewVersionOnlyWhenASnapshottedFieldChanged()
    {
        var (owner, star) = await CreateAsync();

        await Stars(owner).UpdateAsync(star.Id, Draft());
        var edited = Draft("她是一位严谨的古籍修复师，说话温和。");
        edited.ChangeLog = "更严谨";
        var saved = (await Stars(owner).UpdateAsync(star.Id, edited)).Value!;

        var list = (await Versions(owner).ListAsync(star.Id)).Value!;
        Assert.Equal([2, 1], list.Versions.Select(v => v.VersionNo));
        Assert.Equal((PersonaVersionSource.Edit, "更严谨"), (list.Versions[0].Source, list.Versions[0].ChangeLog));
        Assert.Equal(list.Versions[0].Id, saved.PersonaVersionId);
    }

    [Fact]
    public async Task Compare_TwoVersions_DiffsTheChangedFieldsByWord()
    {
        var (owner, star) = await CreateAsync();
        await Stars(owner).UpdateAsync(star.Id, Draft("她是一位严谨的古籍修复师，说话温和。"));
        var list = (await Versions(owner).ListAsync(star.Id)).Value!;

        var comparison = (await Versions(owner).CompareAsync(list.Versions[1].Id, list.Versions[0].Id)).Value!;

        var persona = Assert.Single(comparison.Changed);
        Assert.Equal("Persona", persona.Field);
        Assert.Contains(new DiffRun(DiffOp.Insert, "严谨的"), persona.Runs);
    }

    [Fact]
    public async Task Rollback_RestoresTheWorkingCopy_AsANewVersionBasedOnTheChosenOne()
    {
        var (owner, star) = await CreateAsync();
        await Stars(owner).UpdateAsync(star.Id, Draft("第二版人设。"));
        await Stars(owner).UpdateAsync(star.Id, Draft("第三版人设。"));
        var v1 = (await Versions(owner).ListAsync(star.Id)).Value!.Versions.Single(v => v.VersionNo == 1);

        var restored = (await Versions(owner).RollbackAsync(v1.Id)).Value!;

        Assert.Equal("她是一位古籍修复师，说话温和。", restored.Persona);
        Assert.Equal("她是一位古籍修复师，说话温和。", (await Stars(owner).GetAsync(star.Id)).Value!.Persona);
        var v4 = (await Versions(owner).ListAsync(star.Id)).Value!.Versions[0];
        Assert.Equal((4, PersonaVersionSource.Rollback, 1), (v4.VersionNo, v4.Source, v4.BasedOnVersionNo));
        Assert.Equal(v4.Id, restored.PersonaVersionId);
        Assert.Empty((await Versions(owner).CompareAsync(v1.Id, v4.Id)).Value!.Changed);
    }

    [Fact]
    public async Task OtherOwner_CannotListCompareOrRollBack()
    {
        var (_, star) = await CreateAsync();
        var other = await pg.CreateUserAsync();

        Assert.Equal(ResultKind.NotFound, (await Versions(other).ListAsync(star.Id)).Kind);
        Assert.Equal(ResultKind.NotFound, (await Versions(other).RollbackAsync(star.PersonaVersionId!.Value)).Kind);
        Assert.Equal(ResultKind.NotFound, (await Versions(other).GetAsync(star.PersonaVersionId!.Value)).Kind);
    }

    [Fact]
    public async Task OwnerPublishing_AsksForReview_AdminApproves_PlayersGetThatVersion()
    {
        var (owner, star) = await CreateAsync();
        var admin = await pg.CreateAdminAsync();

        var asked = (await Stars(owner).SetPublicAsync(star.Id, true)).Value!;

        Assert.False(asked.IsPublic);
        var state = (await Versions(owner).ListAsync(star.Id)).Value!;
        Assert.Equal((StarReviewStatus.Pending, 1), (state.LatestReview!.Status, state.LatestReview.VersionNo));
        var queued = Assert.Single((await Reviews(admin).ListPendingAsync()).Value!, r => r.StarId == star.Id);
        Assert.Null(queued.ApprovedVersionNo);
        Assert.Contains(queued.Diff.Changed, f => f.Field == "Persona");

        Assert.True((await Reviews(admin).ApproveAsync(queued.ReviewId)).Succeeded);

        var approved = (await Stars(owner).GetAsync(star.Id)).Value!;
        Assert.True(approved.IsPublic);
        Assert.Equal(star.PersonaVersionId, approved.PublicVersionId);
        Assert.Equal(StarReviewStatus.Approved, (await Versions(owner).ListAsync(star.Id)).Value!.LatestReview!.Status);
        Assert.DoesNotContain((await Reviews(admin).ListPendingAsync()).Value!, r => r.StarId == star.Id);
    }

    [Fact]
    public async Task PublicStar_NewVersion_StaysPublicAtTheApprovedVersion_UntilItsReview_RejectShowsTheReason()
    {
        var (owner, star) = await CreateAsync();
        var admin = await pg.CreateAdminAsync();
        await Stars(admin).SetPublicAsync(star.Id, true);
        var v1 = star.PersonaVersionId;

        var edited = (await Stars(owner).UpdateAsync(star.Id, Draft("第二版人设。"))).Value!;

        Assert.True(edited.IsPublic);
        Assert.Equal(v1, edited.PublicVersionId);
        var queued = Assert.Single((await Reviews(admin).ListPendingAsync()).Value!, r => r.StarId == star.Id);
        Assert.Equal((2, 1), (queued.VersionNo, queued.ApprovedVersionNo));
        Assert.Equal(["Persona"], queued.Diff.Changed.Select(f => f.Field));

        var blank = await Reviews(admin).RejectAsync(queued.ReviewId, "  ");
        Assert.Equal("Review.Reason.Required", Assert.Single(blank.Errors).Code);
        Assert.True((await Reviews(admin).RejectAsync(queued.ReviewId, "人设含有不当内容")).Succeeded);

        var state = (await Versions(owner).ListAsync(star.Id)).Value!;
        Assert.Equal((StarReviewStatus.Rejected, "人设含有不当内容"), (state.LatestReview!.Status, state.LatestReview.Reason));
        Assert.Equal(StarReviewStatus.Rejected, state.Versions[0].Review!.Status);
        var after = (await Stars(owner).GetAsync(star.Id)).Value!;
        Assert.True(after.IsPublic);
        Assert.Equal(v1, after.PublicVersionId);
    }

    [Fact]
    public async Task EditingWhileAReviewIsPending_ReplacesTheRequest_AndTheOwnerMayWithdrawIt()
    {
        var (owner, star) = await CreateAsync();
        var admin = await pg.CreateAdminAsync();
        await Stars(owner).SetPublicAsync(star.Id, true);

        await Stars(owner).UpdateAsync(star.Id, Draft("第二版人设。"));

        var queued = Assert.Single((await Reviews(admin).ListPendingAsync()).Value!, r => r.StarId == star.Id);
        Assert.Equal(2, queued.VersionNo);
        Assert.True((await Versions(owner).WithdrawReviewAsync(star.Id)).Succeeded);
        Assert.DoesNotContain((await Reviews(admin).ListPendingAsync()).Value!, r => r.StarId == star.Id);
        Assert.Equal("Review.NotPending", Assert.Single((await Reviews(admin).ApproveAsync(queued.ReviewId)).Errors).Code);
        Assert.False((await Stars(owner).GetAsync(star.Id)).Value!.IsPublic);
    }

    [Fact]
    public async Task ReviewQueue_IsForAdminsOnly()
    {
        var (owner, star) = await CreateAsync();
        await Stars(owner).SetPublicAsync(star.Id, true);
        var review = (await Versions(owner).ListAsync(star.Id)).Value!.LatestReview!;

        Assert.Equal(ResultKind.Forbidden, (await Reviews(owner).ListPendingAsync()).Kind);
        Assert.Equal(ResultKind.Forbidden, (await Reviews(owner).ApproveAsync(review.Id)).Kind);
        Assert.False((await Stars(owner).GetAsync(star.Id)).Value!.IsPublic);
    }

    [Fact]
    public async Task MakingPrivate_WithdrawsThePendingRequest_AndAnApprovedVersionGoesPublicAgainWithoutReview()
    {
        var (owner, star) = await CreateAsync();
        var admin = await pg.CreateAdminAsync();
        await Stars(owner).SetPublicAsync(star.Id, true);
        await Reviews(admin).ApproveAsync((await Versions(owner).ListAsync(star.Id)).Value!.LatestReview!.Id);

        await Stars(owner).SetPublicAsync(star.Id, false);
        var again = (await Stars(owner).SetPublicAsync(star.Id, true)).Value!;

        Assert.True(again.IsPublic);
        Assert.DoesNotContain((await Reviews(admin).ListPendingAsync()).Value!, r => r.StarId == star.Id);
    }

    [Fact]
    public async Task VersionRows_AreImmutable_EvenForTheirOwner_AndGoWithTheirStar()
    {
        var (owner, star) = await CreateAsync();

        // No policy lets the app role change or remove a version: the row is invisible to UPDATE and DELETE.
        var updated = await pg.Db(owner).RunAsync((ctx, _) =>
            ctx.Database.ExecuteSqlAsync($"UPDATE star_persona_versions SET persona = 'changed' WHERE id = {star.PersonaVersionId}"));
        var deleted = await pg.Db(owner).RunAsync((ctx, _) =>
            ctx.Database.ExecuteSqlAsync($"DELETE FROM star_persona_versions WHERE id = {star.PersonaVersionId}"));
        Assert.Equal((0, 0), (updated, deleted));

        // And the trigger refuses even a role that sees every row (maintenance).
        await using var db = pg.OwnerContext();
        var update = await Assert.ThrowsAsync<PostgresException>(() =>
            db.Database.ExecuteSqlAsync($"UPDATE star_persona_versions SET persona = 'changed' WHERE id = {star.PersonaVersionId}"));
        var delete = await Assert.ThrowsAsync<PostgresException>(() =>
            db.Database.ExecuteSqlAsync($"DELETE FROM star_persona_versions WHERE id = {star.PersonaVersionId}"));
        Assert.Equal(("42501", "42501"), (update.SqlState, delete.SqlState));
        Assert.Equal("她是一位古籍修复师，说话温和。", (await db.StarPersonaVersions.SingleAsync(v => v.StarId == star.Id)).Persona);
        await db.Stars.Where(s => s.Id == star.Id).ExecuteDeleteAsync();
        Assert.False(await db.StarPersonaVersions.AnyAsync(v => v.StarId == star.Id));
    }

    [Fact]
    public async Task Player_ReadsOnlyThePublicVersion_OfAnActivePublicStar()
    {
        var (owner, star) = await CreateAsync();
        var admin = await pg.CreateAdminAsync();
        var player = await pg.CreateUserAsync();
        await Stars(admin).SetPublicAsync(star.Id, true);
        await Stars(owner).UpdateAsync(star.Id, Draft("第二版人设，尚未审核。"));

        var seen = await pg.Db(player).RunAsync((ctx, _) => ctx.StarPersonaVersions.Where(v => v.StarId == star.Id).Select(v => v.VersionNo).ToListAsync());
        await Stars(owner).ChangeStatusAsync(star.Id, StarStatus.Paused);
        var seenWhilePaused = await pg.Db(player).RunAsync((ctx, _) => ctx.StarPersonaVersions.CountAsync(v => v.StarId == star.Id));

        Assert.Equal([1], seen);
        Assert.Equal(0, seenWhilePaused);
        Assert.Equal(ResultKind.NotFound, (await Versions(player).ListAsync(star.Id)).Kind);
    }

    [Fact]
    public async Task Owner_CannotWriteAVersionInSomeoneElsesName_OrForAnotherStar()
    {
        var (owner, star) = await CreateAsync();
        var (_, other) = await CreateAsync();

        var forged = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(owner).RunAsync((ctx, _) =>
            ctx.Database.ExecuteSqlAsync($"""
                INSERT INTO star_persona_versions (id, star_id, version_no, name, domain, persona, tone, tags, system_prompt, greeting,
                    alternate_greetings, example_dialogues, scenario, creator_notes, source, change_log, created_at)
                VALUES ({Guid.NewGuid()}, {other.Id}, 9, 'x', 'x', 'x', 'x', ARRAY[]::text[], '', '', ARRAY[]::text[], '', '', '', 'edit', '', now())
                """)));

        Assert.Equal("42501", forged.SqlState);
        Assert.NotEqual(star.Id, other.Id);
    }
}
