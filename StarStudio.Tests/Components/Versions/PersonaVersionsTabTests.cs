using Bunit;
using Microsoft.Extensions.DependencyInjection;
using StarStudio.Core.Common;
using StarStudio.Core.Stars;
using StarStudio.Web.Components.Studio.Versions;

namespace StarStudio.Tests.Components.Versions;

public sealed class PersonaVersionsTabTests : ComponentTest
{
    private static readonly Guid StarId = Guid.NewGuid();
    private static readonly DateTimeOffset T0 = new(2026, 12, 6, 1, 0, 0, TimeSpan.Zero);
    private static readonly PersonaSnapshot Base = new("墨痕", "古籍修复", "她是修复师。", "温和", [], "", "", [], "", "", "");

    private sealed class FakeVersions : IPersonaVersionService
    {
        public PersonaVersionsView View { get; set; } = null!;
        public List<(Guid Older, Guid Newer)> Compared { get; } = [];
        public List<Guid> RolledBack { get; } = [];
        public int Withdrawn { get; private set; }

        public Task<Result<PersonaVersionsView>> ListAsync(Guid starId, CancellationToken ct = default) => Task.FromResult(Result<PersonaVersionsView>.Ok(View));

        public Task<Result<StarPersonaVersion>> GetAsync(Guid versionId, CancellationToken ct = default) => throw new NotSupportedException();

        public Task<Result<PersonaComparison>> CompareAsync(Guid olderVersionId, Guid newerVersionId, CancellationToken ct = default)
        {
            Compared.Add((olderVersionId, newerVersionId));
            return Task.FromResult(Result<PersonaComparison>.Ok(PersonaComparison.Of(Base, Base with { Persona = "她是严谨的修复师。" })));
        }

        public Task<Result<Star>> RollbackAsync(Guid versionId, CancellationToken ct = default)
        {
            RolledBack.Add(versionId);
            return Task.FromResult(Result<Star>.Ok(new Star { Id = StarId }));
        }

        public Task<Result<StarReview>> WithdrawReviewAsync(Guid starId, CancellationToken ct = default)
        {
            Withdrawn++;
            return Task.FromResult(Result<StarReview>.Ok(new StarReview()));
        }
    }

    private static PersonaVersionSummary Version(int no, PersonaVersionSource source = PersonaVersionSource.Edit, int? basedOn = null, StarReviewView? review = null) =>
        new(new Guid(no, 0, 0, new byte[8]), no, source, basedOn, no == 3 ? "更严谨" : "", "星主甲", T0.AddMinutes(no), review);

    private static StarReviewView Review(int versionNo, StarReviewStatus status, string? reason = null) =>
        new(Guid.NewGuid(), new Guid(versionNo, 0, 0, new byte[8]), versionNo, status, reason, T0, null);

    private (FakeVersions Fake, IRenderedComponent<PersonaVersionsTab> Cut, List<int> RolledBackCallbacks) RenderTab(StarReviewView? latest = null, bool isPublic = true)
    {
        var v1 = Version(1, PersonaVersionSource.Create, review: Review(1, StarReviewStatus.Approved));
        var v2 = Version(2);
        var v3 = Version(3, PersonaVersionSource.Rollback, basedOn: 1, review: latest);
        var fake = new FakeVersions { View = new PersonaVersionsView(StarId, isPublic, v3.Id, v1.Id, [v3, v2, v1], latest) };
        Context.Services.AddSingleton<IPersonaVersionService>(fake);
        var callbacks = new List<int>();
        var cut = Render<PersonaVersionsTab>(p => p.Add(c => c.StarId, StarId).Add(c => c.OnRolledBack, () => callbacks.Add(1)));
        return (fake, cut, callbacks);
    }

    [Fact]
    public void Lists_Versions_Newest_First_WithSourceWhoAndTheReviewState()
    {
        var (_, cut, _) = RenderTab(Review(3, StarReviewStatus.Pending));

        var rows = cut.FindAll("[data-testid=version-row]");
        Assert.Equal(["3", "2", "1"], rows.Select(r => r.GetAttribute("data-version")));
        Assert.Equal("回滚 ← v1", rows[0].QuerySelector("[data-testid=version-source]")!.TextContent.Trim());
        Assert.Contains("星主甲", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("更严谨", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Equal("审核中（v3）", cut.Find("[data-testid=versions-review-state]").TextContent.Trim());
        Assert.Equal("玩家看到的是 v1", cut.Find("[data-testid=versions-public]").TextContent.Trim());
        Assert.NotNull(rows[0].QuerySelector("[data-testid=version-current]"));
        Assert.NotNull(rows[2].QuerySelector("[data-testid=version-public]"));
        // The current version cannot be "rolled back to"; the others can.
        Assert.Null(rows[0].QuerySelector("[data-testid=version-rollback]"));
        Assert.Equal(2, cut.FindAll("[data-testid=version-rollback]").Count);
    }

    [Fact]
    public void Rejected_ShowsTheReason_AndPendingCanBeWithdrawn()
    {
        var (_, rejected, _) = RenderTab(Review(3, StarReviewStatus.Rejected, "人设含有不当内容"));

        Assert.Equal("已拒绝（v3）：人设含有不当内容", rejected.Find("[data-testid=versions-review-state]").TextContent.Trim());
        Assert.Empty(rejected.FindAll("[data-testid=versions-withdraw]"));
    }

    [Fact]
    public async Task Withdraw_CallsTheService()
    {
        var (fake, cut, _) = RenderTab(Review(3, StarReviewStatus.Pending));

        await cut.Find("[data-testid=versions-withdraw]").ClickAsync();

        Assert.Equal(1, fake.Withdrawn);
    }

    [Fact]
    public async Task Compare_NeedsExactlyTwo_AndPutsTheOlderOnTheLeft()
    {
        var (fake, cut, _) = RenderTab();
        Assert.True(cut.Find("[data-testid=versions-compare]").HasAttribute("disabled"));

        await Pick(cut, 0); // v3 first
        Assert.True(cut.Find("[data-testid=versions-compare]").HasAttribute("disabled"));
        await Pick(cut, 2); // then v1
        await cut.Find("[data-testid=versions-compare]").ClickAsync();

        Assert.Equal([(Version(1).Id, Version(3).Id)], fake.Compared);
        Assert.Equal("v1", cut.Find("[data-testid=diff-left-title]").TextContent);
        Assert.Equal("v3", cut.Find("[data-testid=diff-right-title]").TextContent);
        Assert.Equal("严谨的", cut.Find("[data-testid=diff-ins]").TextContent);
    }

    [Fact]
    public async Task PickingAThird_DropsTheFirstPick()
    {
        var (fake, cut, _) = RenderTab();

        await Pick(cut, 0);
        await Pick(cut, 1);
        await Pick(cut, 2);
        await cut.Find("[data-testid=versions-compare]").ClickAsync();

        Assert.Equal([(Version(1).Id, Version(2).Id)], fake.Compared);
    }

    [Fact]
    public async Task Rollback_AsksFirst_ThenRestoresAndTellsThePage()
    {
        var (fake, cut, callbacks) = RenderTab();

        await cut.FindAll("[data-testid=version-rollback]")[1].ClickAsync(); // v1's row
        Assert.Empty(fake.RolledBack);
        Assert.Contains("v1", cut.Find("[data-testid=version-rollback-confirm]").TextContent, StringComparison.Ordinal);
        await cut.Find("[data-testid=version-rollback-yes]").ClickAsync();

        Assert.Equal([Version(1).Id], fake.RolledBack);
        Assert.Single(callbacks);
        Assert.Empty(cut.FindAll("[data-testid=version-rollback-confirm]"));
    }

    [Fact]
    public async Task Rollback_Cancelled_DoesNothing()
    {
        var (fake, cut, callbacks) = RenderTab();

        await cut.FindAll("[data-testid=version-rollback]")[0].ClickAsync();
        await cut.Find("[data-testid=version-rollback-no]").ClickAsync();

        Assert.Empty(fake.RolledBack);
        Assert.Empty(callbacks);
    }

    private static Task Pick(IRenderedComponent<PersonaVersionsTab> cut, int row) =>
        cut.FindAll("[data-testid=version-row]")[row].QuerySelector("input[type=checkbox]")!.ChangeAsync(true);
}
