using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StarStudio.Core.Chat.Engine;
using StarStudio.Core.Common;
using StarStudio.Core.Growth;
using StarStudio.Core.Stars;
using StarStudio.Core.Storage;
using StarStudio.Data.Growth.Magnitude;
using StarStudio.Data.Storage;
using StarStudio.TestSupport;

namespace StarStudio.Tests.Integration.Growth;

/// <summary>
/// The 星等报告 PDF through Debian's Chromium (STARSTUDIO_CHROMIUM, as the end-to-end tests use it): made once per history
/// row into <c>exports</c>, owner only, and a readable refusal when there is nothing to report or no Chromium.
/// </summary>
public sealed class MagnitudeReportTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>, IDisposable
{
    private readonly string objectsRoot = Directory.CreateTempSubdirectory("magnitude-report-").FullName;

    private IObjectStore Objects => new LocalObjectStore(objectsRoot);

    public void Dispose() => Directory.Delete(objectsRoot, recursive: true);

    private MagnitudeReportService Reports(UserContext user, string? chromium = null) =>
        new(pg.Db(user), new MagnitudeService(pg.Db(user), new NoEngine(), TimeProvider.System), Objects,
            new ChromiumPdf(Options.Create(new MagnitudeOptions { ChromiumPath = chromium, ReportTimeout = TimeSpan.FromSeconds(90) })),
            NullLogger<MagnitudeReportService>.Instance);

    private async Task<(UserContext Owner, Guid Star)> EvaluatedStarAsync(bool evaluated = true)
    {
        var owner = await pg.CreateUserAsync();
        var star = Guid.NewGuid();
        await using var db = pg.OwnerContext();
        db.Stars.Add(new Star { Id = star, OwnerId = owner.UserId!.Value, Name = "书法<星>", Domain = "书法", Persona = "p", Tone = "t", Status = StarStatus.Active, IsPublic = true });
        if (evaluated)
        {
            var s = MagnitudeFormula.Evaluate(Unit.Growth.MagnitudeFormulaTests.Worked);
            db.MagnitudeHistory.Add(MagnitudeService.Row(star, s, MagnitudeEvidence.ToJson(Unit.Growth.MagnitudeFormulaTests.Worked, s), MagnitudeTriggers.Nightly, DateTimeOffset.UtcNow));
        }

        await db.SaveChangesAsync();
        return (owner, star);
    }

    [Fact]
    public async Task Owner_GetsAPdf_StoredInExports_AndRecordedOnTheRow_ThenReadBack()
    {
        var (owner, star) = await EvaluatedStarAsync();

        var first = await Reports(owner).GetAsync(star);

        Assert.True(first.Succeeded, string.Join(",", first.Errors.Select(e => e.Code)));
        Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString(first.Value!.Pdf, 0, 4));
        var key = MagnitudeReportHtml.Key(star, first.Value.HistoryId);
        await using (var stored = await Objects.GetAsync(Buckets.Exports, key))
        {
            Assert.NotNull(stored);
            Assert.Equal(first.Value.Pdf.Length, stored.Length);
        }

        await using (var db = pg.OwnerContext())
        {
            Assert.Equal($"s3://exports/{key}", (await db.MagnitudeHistory.SingleAsync(h => h.StarId == star)).ReportUri);
        }

        // Made once: the second request reads the stored file even when Chromium is gone.
        var second = await Reports(owner, chromium: "/nonexistent/chromium").GetAsync(star);
        Assert.Equal(first.Value.Pdf, second.Value!.Pdf);
    }

    [Fact]
    public async Task AnotherUser_IsRefused_EvenForAPublicStar()
    {
        var (_, star) = await EvaluatedStarAsync();
        var other = await pg.CreateUserAsync();

        Assert.Equal(ResultKind.Forbidden, (await Reports(other).GetAsync(star)).Kind);
    }

    [Fact]
    public async Task NoEvaluation_OrNoChromium_SaySo_AndStoreNothing()
    {
        var (owner, star) = await EvaluatedStarAsync(evaluated: false);
        Assert.Equal(MagnitudeErrors.NoEvaluation, Assert.Single((await Reports(owner).GetAsync(star)).Errors).Code);

        var (owner2, star2) = await EvaluatedStarAsync();
        var missing = await Reports(owner2, chromium: "/nonexistent/chromium").GetAsync(star2);
        Assert.Equal(MagnitudeErrors.NoChromium, Assert.Single(missing.Errors).Code);
        await using var db = pg.OwnerContext();
        Assert.Null((await db.MagnitudeHistory.SingleAsync(h => h.StarId == star2)).ReportUri);
    }

    [Fact]
    public void Html_EncodesTheStarName_AndCarriesTheFormula()
    {
        var s = MagnitudeFormula.Evaluate(Unit.Growth.MagnitudeFormulaTests.Worked);
        var row = MagnitudeService.Row(Guid.NewGuid(), s, "{}", MagnitudeTriggers.OnDemand, DateTimeOffset.UtcNow);
        var view = new MagnitudeView(row.StarId, "<script>x</script>", row, [new MagnitudePoint(row.Id, row.EvaluatedAt, row.Overall, row.Level, row.Trigger)], true);

        var html = MagnitudeReportHtml.Render(view, row, s);

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("综合 = 0.3·深度", html, StringComparison.Ordinal);
        Assert.Contains("带引用的回答占比", html, StringComparison.Ordinal);
        Assert.Contains("61.8", html, StringComparison.Ordinal);
    }

    private sealed class NoEngine : IStarChatEngine
    {
        public IAsyncEnumerable<ChatEvent> StreamAsync(ChatRequest request, CancellationToken ct = default) => throw new NotSupportedException();
    }
}
