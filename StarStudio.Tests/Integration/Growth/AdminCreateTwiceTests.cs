using StarStudio.Core.Common;
using StarStudio.Core.Growth;
using StarStudio.Data.Growth;

namespace StarStudio.Tests.Integration.Growth;

/// <summary>
/// An admin's form sent twice at once (a double click): the task id or redeem code is checked free and then inserted, so
/// both passed the check. The first stands; the others get the form's "taken" error, not an error page.
/// </summary>
public sealed class AdminCreateTwiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task Task_CreatedManyTimesAtOnce_OneStands_TheOthersAreTaken()
    {
        var admin = await pg.CreateAdminAsync();
        for (var round = 0; round < 5; round++)
        {
            var id = "t_" + Guid.NewGuid().ToString("N")[..12];

            var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() =>
                new TaskAdminService(pg.Db(admin), TimeProvider.System).CreateAsync(new TaskConfigDraft { TaskId = id, TitleZh = "双击" }))));

            Assert.Single(results, r => r.Succeeded);
            Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal((ResultKind.Invalid, "Growth.Task.Id.Taken"), (r.Kind, r.Errors[0].Code)));
        }
    }

    [Fact]
    public async Task RedeemCode_CreatedManyTimesAtOnce_OneStands_TheOthersAreTaken()
    {
        var admin = await pg.CreateAdminAsync();
        for (var round = 0; round < 5; round++)
        {
            var code = "TWICE" + RedeemCodeRules.Generate(8);

            var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() =>
                new RedeemCodeAdminService(pg.Db(admin), TimeProvider.System).CreateAsync(new RedeemCodeDraft { Code = code, Mode = RedeemCodeMode.Public, RewardPoints = 3 }))));

            Assert.Single(results, r => r.Succeeded);
            Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal((ResultKind.Invalid, "Growth.RedeemCode.Code.Taken"), (r.Kind, r.Errors[0].Code)));
        }
    }
}
