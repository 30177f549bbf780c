using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using StarStudio.Core.Common;
using StarStudio.Core.Identity;
using StarStudio.Core.Knowledge.Retrieval;
using StarStudio.Core.Market;
using StarStudio.Core.Market.Maker;
using StarStudio.Data.Infrastructure;
using static StarStudio.Tests.Integration.Market.Maker.MakerTestKit;

namespace StarStudio.Tests.Integration.Market.Maker;

/// <summary>The maker's service against the real database: drafts, secrets, "try it", versions, and who may see what.</summary>
public sealed class SkillMakerServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private readonly MakerTestKit kit = new(pg);

    private Task<UserContext> NewMakerAsync() => pg.CreateUserAsync(null, RoleNames.SkillMaker);

    private async Task<(UserContext Maker, MakerSkillView Skill)> DraftAsync(SkillDraft? draft = null, bool allowPrivate = false)
    {
        var maker = await NewMakerAsync();
        var skill = Ok(await kit.Maker(maker, allowPrivate).CreateAsync(draft ?? Draft()));
        return (maker, skill);
    }

    private async Task<Skill> StoredAsync(Guid id)
    {
        await using var owner = pg.OwnerContext();
        return await owner.Skills.AsNoTracking().SingleAsync(s => s.Id == id);
    }

    [Fact]
    public async Task BecomeMaker_GrantsTheRoleInTheDatabase_LeavingTheSecurityStampAlone()
    {
        var user = await pg.CreateUserAsync(null, RoleNames.StarOwner);
        string stampBefore;
        await using (var owner = pg.OwnerContext())
        {
            stampBefore = (await owner.Users.AsNoTracking().SingleAsync(u => u.Id == user.UserId)).SecurityStamp!;
        }

        Ok(await kit.Maker(user).BecomeMakerAsync());
        Ok(await kit.Maker(user).BecomeMakerAsync()); // idempotent

        await using (var owner = pg.OwnerContext())
        {
            var roles = await owner.Database.SqlQuery<string>(
                $"SELECT r.name AS \"Value\" FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = {user.UserId}").ToListAsync();
            Assert.Equal([RoleNames.SkillMaker, RoleNames.StarOwner], roles.Order(StringComparer.Ordinal));
            var stored = await owner.Users.AsNoTracking().SingleAsync(u => u.Id == user.UserId);
            Assert.Equal(stampBefore, stored.SecurityStamp); // the signed-in session stays valid
            var primary = await owner.Database.SqlQuery<string>($"SELECT role::text AS \"Value\" FROM users WHERE id = {user.UserId}").SingleAsync();
            Assert.Equal(RoleNames.SkillMaker, primary); // skill_maker outranks star_owner as the primary role
        }

        Assert.Equal(ResultKind.Forbidden, (await kit.Maker(UserContext.Anonymous).BecomeMakerAsync()).Kind);
    }

    [Fact]
    public async Task TheSelfGrant_CoversSkillMakerOnly_NotAdmin()
    {
        await pg.CreateAdminAsync(); // an admin exists, so nobody may take admin for themself
        var user = await pg.CreateUserAsync();
        var ex = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(user).RunAsync((ctx, u) =>
            ctx.Database.SqlQuery<bool>($"SELECT app_grant_role({u.UserId}, 'admin') AS \"Value\"").SingleAsync()));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
    }

    [Fact]
    public async Task WithoutTheRole_NothingIsAllowed()
    {
        var user = await pg.CreateUserAsync(null, RoleNames.StarOwner);
        var maker = kit.Maker(user);
        Assert.Equal(ResultKind.Forbidden, (await maker.CreateAsync(Draft())).Kind);
        Assert.Equal(ResultKind.Forbidden, (await maker.ListMineAsync()).Kind);
        Assert.Equal(ResultKind.Forbidden, (await maker.GetAsync(Guid.NewGuid())).Kind);
    }

    [Fact]
    public async Task Create_StoresTheDraft_AndAProtectedSigningSecret_RevealedOnlyOnRequest()
    {
        var (maker, view) = await DraftAsync();
        var stored = await StoredAsync(view.Id);

        Assert.Equal(SkillStatus.Draft, stored.Status);
        Assert.Equal("天气查询", stored.Name);
        Assert.Equal(0.05m, stored.Price);
        Assert.Equal("北京明天天气怎么样？", Assert.Single(SkillExample.ParseList(stored.Examples)).Question);
        var secret = Ok(await kit.Maker(maker).RevealSigningSecretAsync(view.Id));
        Assert.Equal(43, secret.Length); // 32 bytes, base64url without padding
        Assert.Equal(32, Convert.FromBase64String(secret.Replace('-', '+').Replace('_', '/') + "=").Length);
        Assert.DoesNotContain(secret, stored.SigningSecretProtected, StringComparison.Ordinal);
        Assert.Equal(secret, kit.Protection.CreateProtector(ProtectionPurposes.SkillSigningSecret).Unprotect(stored.SigningSecretProtected));

        var rotated = Ok(await kit.Maker(maker).RotateSigningSecretAsync(view.Id));
        Assert.NotEqual(secret, rotated);
        Assert.Equal(rotated, Ok(await kit.Maker(maker).RevealSigningSecretAsync(view.Id)));
    }

    [Fact]
    public async Task HeaderSecret_IsStoredEncrypted_NeverReturned_AndCanBeCleared()
    {
        var (maker, view) = await DraftAsync();
        var service = kit.Maker(maker);

        AssertError(await service.SetHeaderSecretAsync(view.Id, "X Key", "s"), "AuthHeader", "Market.Skill.AuthHeader.Invalid");
        var set = Ok(await service.SetHeaderSecretAsync(view.Id, "X-Api-Key", "plain-maker-secret"));
        Assert.Equal((SkillAuthType.HeaderSecret, "X-Api-Key", true), (set.AuthType, set.AuthHeader, set.HasAuthSecret));
        var stored = await StoredAsync(view.Id);
        Assert.DoesNotContain("plain-maker-secret", stored.AuthSecretProtected!, StringComparison.Ordinal);
        Assert.Equal("plain-maker-secret", kit.Protection.CreateProtector(ProtectionPurposes.SkillAuthSecret).Unprotect(stored.AuthSecretProtected!));
        Assert.DoesNotContain("plain-maker-secret", JsonSerializer.Serialize(Ok(await service.GetAsync(view.Id))), StringComparison.Ordinal);

        var cleared = Ok(await service.ClearHeaderSecretAsync(view.Id));
        Assert.Equal((SkillAuthType.None, null, false), (cleared.AuthType, cleared.AuthHeader, cleared.HasAuthSecret));
        Assert.Null((await StoredAsync(view.Id)).AuthSecretProtected);
    }

    [Fact]
    public async Task ANonObjectInputSchema_IsRefusedWithItsField()
    {
        var maker = await NewMakerAsync();
        var draft = Draft();
        draft.InputSchema = """{"type":"array"}""";
        draft.Examples = [];
        AssertError(await kit.Maker(maker).CreateAsync(draft), "InputSchema", "Market.Skill.InputSchema.NotObject");

        draft.InputSchema = """{"type":"object","properties":{"a":{"$ref":"https://evil.example.test/s.json"}}}""";
        var refused = await kit.Maker(maker).CreateAsync(draft);
        var error = Assert.Single(refused.Errors);
        Assert.Equal(("InputSchema", "Market.Schema.Ref"), (error.Field, error.Code));
        Assert.Contains("/properties/a/$ref", error.Args.Select(a => a.ToString()));
    }

    [Theory]
    [InlineData("https://127.0.0.1/skill", "Url.PrivateNetwork")]
    [InlineData("https://[::1]/skill", "Url.PrivateNetwork")]
    [InlineData("https://api.internal.test/skill", "Url.PrivateNetwork")]
    [InlineData("https://169.254.169.254/latest", "Url.PrivateNetwork")]
    [InlineData("https://nowhere.invalid/skill", "Url.Unresolvable")]
    [InlineData("http://skills.example.test/skill", "Market.Skill.Endpoint.Https")]
    public async Task PrivateLoopbackAndPlainHttpEndpoints_AreRefused_WhenPrivateNetworksAreNotAllowed(string endpoint, string code)
    {
        var maker = await NewMakerAsync();
        AssertError(await kit.Maker(maker).CreateAsync(Draft(endpoint: endpoint)), "ApiEndpoint", code);
    }

    [Fact]
    public async Task LoopbackOverHttp_IsAccepted_WhenPrivateNetworksAreAllowed_ButRefusedAgainAtSubmitWhenTheSettingIsOff()
    {
        var (maker, view) = await DraftAsync(Draft(endpoint: "http://127.0.0.1:5099/skill"), allowPrivate: true);
        Assert.Equal("http://127.0.0.1:5099/skill", view.Draft.ApiEndpoint);

        AssertError(await kit.Maker(maker, allowPrivate: false).SubmitAsync(view.Id, "1.0.0", "首个版本"), "ApiEndpoint", "Market.Skill.Endpoint.Https");
        var httpsLoopback = Ok(await kit.Maker(maker, allowPrivate: true).UpdateAsync(view.Id, Draft(endpoint: "https://127.0.0.1:5099/skill")));
        AssertError(await kit.Maker(maker, allowPrivate: false).SubmitAsync(httpsLoopback.Id, "1.0.0", "首个版本"), "ApiEndpoint", "Url.PrivateNetwork");
        Assert.Equal(SkillStatus.Draft, (await StoredAsync(view.Id)).Status);
        Ok(await kit.Maker(maker, allowPrivate: true).SubmitAsync(view.Id, "1.0.0", "首个版本"));
    }

    [Fact]
    public async Task AnotherMaker_CanNeitherReadNorEditMyDraftOrMyVersions()
    {
        var (me, view) = await DraftAsync();
        var version = Ok(await kit.Maker(me).SubmitAsync(view.Id, "1.0.0", "首个版本"));
        var other = kit.Maker(await NewMakerAsync());

        Assert.Equal(ResultKind.NotFound, (await other.GetAsync(view.Id)).Kind);
        Assert.Equal(ResultKind.NotFound, (await other.UpdateAsync(view.Id, Draft("偷改"))).Kind);
        Assert.Equal(ResultKind.NotFound, (await other.ListVersionsAsync(view.Id)).Kind);
        Assert.Equal(ResultKind.NotFound, (await other.WithdrawAsync(version.Id)).Kind);
        Assert.Equal(ResultKind.NotFound, (await other.RevealSigningSecretAsync(view.Id)).Kind);
        Assert.Equal(ResultKind.NotFound, (await other.RotateSigningSecretAsync(view.Id)).Kind);
        Assert.Equal(ResultKind.NotFound, (await other.SetHeaderSecretAsync(view.Id, "X-Key", "s")).Kind);
        Assert.Equal(ResultKind.NotFound, (await other.TryAsync(view.Id, "{}")).Kind);
        Assert.Equal(ResultKind.NotFound, (await other.SubmitAsync(view.Id, "2.0.0", "x")).Kind);
        Assert.Empty(Ok(await other.ListMineAsync()));

        // Row-level security, not just the service: the other maker's raw queries see and change nothing of mine.
        var otherUser = await NewMakerAsync();
        var (skills, versions, updated) = await pg.Db(otherUser).RunAsync(async (ctx, _) => (
            await ctx.Skills.CountAsync(s => s.Id == view.Id),
            await ctx.SkillVersions.CountAsync(v => v.SkillId == view.Id),
            await ctx.Database.ExecuteSqlAsync($"UPDATE skills SET name = 'x' WHERE id = {view.Id}")));
        Assert.Equal((0, 0, 0), (skills, versions, updated));
        Assert.Equal("天气查询", (await StoredAsync(view.Id)).Name);
    }

    [Fact]
    public async Task Submit_SnapshotsTheDraft_WithSearchText_AndMovesANeverPublishedDraftToPendingReview()
    {
        var (maker, view) = await DraftAsync();
        var service = kit.Maker(maker);
        var version = Ok(await service.SubmitAsync(view.Id, " 1.0.0 ", " 首个版本 "));

        Assert.Equal(("1.0.0", "首个版本", SkillVersionStatus.PendingReview), (version.Version, version.ChangeLog, version.Status));
        Assert.Equal(SkillStatus.PendingReview, (await StoredAsync(view.Id)).Status);
        await using var owner = pg.OwnerContext();
        var stored = await owner.SkillVersions.AsNoTracking().SingleAsync(v => v.Id == version.Id);
        Assert.Equal(("天气查询", "https://skills.example.test/weather", SkillPricingType.Usage, 0.05m, maker.UserId!.Value),
            (stored.Name, stored.ApiEndpoint, stored.PricingType, stored.Price, stored.OwnerId));
        Assert.Equal(
            SearchText.For("天气查询\n查询中国城市未来几天的天气\nWeather forecast for Chinese cities\nweather\n北京明天天气怎么样？"),
            stored.SearchText);
        Assert.Contains("天气", stored.SearchText, StringComparison.Ordinal);
        // The generated tsvector finds it by a Chinese bigram and an English word.
        var hits = await owner.Database.SqlQuery<int>(
            $"SELECT count(*)::int AS \"Value\" FROM skill_versions WHERE id = {version.Id} AND search_vector @@ to_tsquery('simple', '天气 & forecast')").SingleAsync();
        Assert.Equal(1, hits);
    }

    [Fact]
    public async Task AVersion_CannotBeChangedAfterSubmit_EditingTheDraftLeavesTheSnapshotAlone()
    {
        var (maker, view) = await DraftAsync();
        var version = Ok(await kit.Maker(maker).SubmitAsync(view.Id, "1.0.0", "首个版本"));
        var edited = Draft("天气查询 Pro");
        edited.Price = 0.2m;
        Ok(await kit.Maker(maker).UpdateAsync(view.Id, edited));

        await using (var owner = pg.OwnerContext())
        {
            var stored = await owner.SkillVersions.AsNoTracking().SingleAsync(v => v.Id == version.Id);
            Assert.Equal(("天气查询", 0.05m), (stored.Name, stored.Price));
        }

        // Neither the maker (no update policy) nor an admin (immutability trigger) can rewrite its content.
        var changedByMaker = await pg.Db(maker).RunAsync((ctx, _) =>
            ctx.Database.ExecuteSqlAsync($"UPDATE skill_versions SET price = 0 WHERE id = {version.Id}"));
        Assert.Equal(0, changedByMaker);
        var admin = await pg.CreateAdminAsync();
        var ex = await Assert.ThrowsAsync<PostgresException>(() => pg.Db(admin).RunAsync((ctx, _) =>
            ctx.Database.ExecuteSqlAsync($"UPDATE skill_versions SET api_endpoint = 'https://evil.example.test/' WHERE id = {version.Id}")));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
    }

    [Fact]
    public async Task Versions_MustGrow_OnePendingAtATime_AndWithdrawReturnsAFirstSubmissionToDraft()
    {
        var (maker, view) = await DraftAsync();
        var service = kit.Maker(maker);
        var first = Ok(await service.SubmitAsync(view.Id, "1.0.0", "首个版本"));
        AssertError(await service.SubmitAsync(view.Id, "1.0.1", "又一个"), "Status", "Market.Version.PendingExists");

        Ok(await service.WithdrawAsync(first.Id));
        Assert.Equal(SkillStatus.Draft, (await StoredAsync(view.Id)).Status);
        Assert.Empty(Ok(await service.ListVersionsAsync(view.Id)));

        var v1 = Ok(await service.SubmitAsync(view.Id, "1.0.0", "首个版本"));
        Ok(await kit.Review(await pg.CreateAdminAsync()).ApproveAsync(v1.Id));
        AssertError(await service.SubmitAsync(view.Id, "1.0.0", "同号"), "Version", "Market.Version.NotGreater");
        AssertError(await service.SubmitAsync(view.Id, "0.9.0", "更小"), "Version", "Market.Version.NotGreater");
        AssertError(await service.SubmitAsync(view.Id, "1.1", "x"), "Version", "Market.Version.Invalid");
        AssertError(await service.SubmitAsync(view.Id, "1.1.0", " "), "ChangeLog", "Market.Version.ChangeLog.Length");
        var v2 = Ok(await service.SubmitAsync(view.Id, "1.1.0", "新增天数参数"));
        Assert.Equal(SkillStatus.Published, (await StoredAsync(view.Id)).Status); // a published skill stays in the catalog meanwhile
        AssertError(await service.WithdrawAsync(v1.Id), "Status", "Market.Version.NotPending");
        Assert.Equal(["1.1.0", "1.0.0"], Ok(await service.ListVersionsAsync(view.Id)).Select(v => v.Version));
        Ok(await service.WithdrawAsync(v2.Id));
        Assert.Equal(SkillStatus.Published, (await StoredAsync(view.Id)).Status);
    }

    [Fact]
    public async Task Submit_NeedsTheHeaderSecretWhenTheSkillUsesOne()
    {
        var (maker, view) = await DraftAsync();
        Ok(await kit.Maker(maker).SetHeaderSecretAsync(view.Id, "X-Key", "s"));
        // Only an admin could leave a header-secret skill without its secret; the submit check is the last line.
        await using (var owner = pg.OwnerContext())
        {
            await owner.Database.ExecuteSqlAsync($"UPDATE skills SET auth_secret_protected = NULL WHERE id = {view.Id}");
        }

        AssertError(await kit.Maker(maker).SubmitAsync(view.Id, "1.0.0", "x"), "AuthSecret", "Market.Skill.AuthSecret.Required");
    }

    [Fact]
    public async Task TryIt_CallsTheSavedEndpoint_SignedWithTheSkillsSecret_AndWritesNothing()
    {
        var (maker, view) = await DraftAsync();
        var service = kit.Maker(maker);
        Ok(await service.SetHeaderSecretAsync(view.Id, "X-Api-Key", "maker-secret"));
        kit.Caller.Next = new(false, "Market.Call.OutputInvalid", "bad output", 200, """{"nope":1}""", ["/: required forecast"], TimeSpan.FromMilliseconds(12.6));

        var result = Ok(await service.TryAsync(view.Id, """{"city":"上海","days":2}"""));

        var request = Assert.Single(kit.Caller.Requests);
        Assert.Equal(new Uri("https://skills.example.test/weather"), request.Endpoint);
        Assert.Equal("上海", request.Arguments.GetProperty("city").GetString());
        Assert.Equal(Ok(await service.RevealSigningSecretAsync(view.Id)), request.SigningSecret);
        Assert.Equal(("X-Api-Key", "maker-secret"), (request.AuthHeader, request.AuthSecret));
        Assert.Contains("forecast", request.OutputSchema, StringComparison.Ordinal);
        Assert.StartsWith("try-", request.RequestId, StringComparison.Ordinal);
        Assert.Equal((false, 200, """{"nope":1}""", 13), (result.Success, result.HttpStatus, result.Body, result.LatencyMs));
        Assert.Equal(["/: required forecast"], result.ValidationErrors);

        await using var owner = pg.OwnerContext();
        Assert.Equal(0, await owner.SkillCalls.CountAsync(c => c.SkillId == view.Id));
        Assert.Equal(0, await owner.WalletLedger.CountAsync());
    }

    [Fact]
    public async Task TryIt_RefusesArgumentsTheInputSchemaRefuses_AndPrivateEndpoints_WithoutCalling()
    {
        var (maker, view) = await DraftAsync(Draft(endpoint: "https://127.0.0.1/skill"), allowPrivate: true);

        AssertError(await kit.Maker(maker, allowPrivate: true).TryAsync(view.Id, """{"days":9}"""), "Arguments", "Market.Try.Arguments.Invalid");
        AssertError(await kit.Maker(maker, allowPrivate: true).TryAsync(view.Id, "{oops"), "Arguments", "Market.Try.Arguments.NotJson");
        AssertError(await kit.Maker(maker, allowPrivate: false).TryAsync(view.Id, """{"city":"北京"}"""), "ApiEndpoint", "Url.PrivateNetwork");
        Assert.Empty(kit.Caller.Requests);
    }

    [Fact]
    public async Task ListMine_ShowsStatus_PendingAndRejectedVersionsWithReasons()
    {
        var (maker, view) = await DraftAsync();
        var service = kit.Maker(maker);
        var review = kit.Review(await pg.CreateAdminAsync());
        Ok(await review.ApproveAsync(Ok(await service.SubmitAsync(view.Id, "1.0.0", "首个版本")).Id));
        Ok(await review.RejectAsync(Ok(await service.SubmitAsync(view.Id, "1.1.0", "改价")).Id, "价格说明不清楚"));
        Ok(await service.SubmitAsync(view.Id, "1.2.0", "补充说明"));

        var row = Assert.Single(Ok(await service.ListMineAsync()));
        Assert.Equal((SkillStatus.Published, "1.0.0"), (row.Status, row.PublishedVersion));
        Assert.Equal([("1.2.0", SkillVersionStatus.PendingReview, (string?)null), ("1.1.0", SkillVersionStatus.Rejected, "价格说明不清楚")],
            row.OpenVersions.Select(v => (v.Version, v.Status, v.RejectReason)));
    }
}
