using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Common;
using StarStudio.Core.Security;
using StarStudio.Core.Stars;
using StarStudio.Core.Training;
using StarStudio.Data.Training;
using StarStudio.Tests.Integration.Admin.Chat;

namespace StarStudio.Tests.Integration.Training;

/// <summary>Admins register trainers: the URL passes the providers' SSRF check, the key is protected and never shown, and only admins write.</summary>
public sealed class TrainerAdminServiceTests(PostgresDatabase pg) : IClassFixture<PostgresDatabase>
{
    private readonly IDataProtectionProvider protection = new EphemeralDataProtectionProvider();

    private TrainerAdminService Service(UserContext user) =>
        new(pg.Db(user), protection, new FixedSecurityOptions(new SecurityOptions()), TimeProvider.System, ResolveAsync);

    // A fake DNS: "*.internal.test" is private, "*.example.test" public.
    private static Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) => Task.FromResult<IPAddress[]>(
        host.EndsWith(".internal.test", StringComparison.OrdinalIgnoreCase) ? [IPAddress.Parse("10.1.2.3")]
        : host.EndsWith(".example.test", StringComparison.OrdinalIgnoreCase) ? [IPAddress.Parse("93.184.216.34")]
        : []);

    private static TrainerDraft Draft(string url = "https://trainer.example.test/v1", string? key = "sk-secret") =>
        new("trainer-" + Guid.NewGuid().ToString("N")[..10], url, key, [TrainingMethod.Sft, TrainingMethod.Dpo], "qwen2.5-7b", null);

    [Fact]
    public async Task Create_NormalizesTheUrl_ProtectsTheKey_AndNeverShowsIt_AndABlankKeyOnEditKeepsIt()
    {
        var admin = await pg.CreateAdminAsync();
        var created = await Service(admin).CreateAsync(Draft());
        Assert.True(created.Succeeded, string.Join(", ", created.Errors.Select(e => e.Code)));
        var view = created.Value!;
        var updated = await Service(admin).UpdateAsync(view.Id, Draft(key: null) with { Name = view.Name, BaseModel = "llama-3" });

        Assert.Equal("https://trainer.example.test", view.BaseUrl);
        Assert.True(view.HasApiKey);
        Assert.DoesNotContain(typeof(TrainerView).GetProperties(), p => p.Name.Contains("Key", StringComparison.Ordinal) && p.PropertyType == typeof(string));
        await using var db = pg.OwnerContext();
        var row = await db.Trainers.AsNoTracking().SingleAsync(t => t.Id == view.Id);
        Assert.NotEqual("sk-secret", row.ApiKeyProtected);
        Assert.Equal("sk-secret", protection.CreateProtector(TrainingJobRun.ApiKeyPurpose).Unprotect(row.ApiKeyProtected!));
        Assert.Equal("llama-3", updated.Value!.BaseModel);
        Assert.True(updated.Value.HasApiKey);
    }

    [Theory]
    [InlineData("http://trainer.internal.test", UrlSafety.PrivateNetworkCode)]
    [InlineData("http://169.254.169.254/latest", UrlSafety.PrivateNetworkCode)]
    [InlineData("ftp://trainer.example.test", UrlSafety.SchemeCode)]
    [InlineData("https://nowhere.invalid", UrlSafety.UnresolvableCode)]
    public async Task Create_RefusesUrlsTheProvidersGuardRefuses(string url, string code)
    {
        var admin = await pg.CreateAdminAsync();

        var result = await Service(admin).CreateAsync(Draft(url));

        Assert.Equal(code, Assert.Single(result.Errors, e => e.Field == nameof(TrainerDraft.BaseUrl)).Code);
    }

    [Fact]
    public async Task OnlyAdmins_ListCreateAndDeactivate_AndADeactivatedTrainerIsNotOffered()
    {
        var admin = await pg.CreateAdminAsync();
        var owner = await pg.CreateUserAsync();
        var created = (await Service(admin).CreateAsync(Draft())).Value!;

        var ownerCreate = await Service(owner).CreateAsync(Draft());
        var ownerList = await Service(owner).ListAsync();
        var ownerDeactivate = await Service(owner).DeactivateAsync(created.Id);
        var deactivated = await Service(admin).DeactivateAsync(created.Id);
        var offered = await new TrainingJobService(pg.Db(owner), new TrainingHarness.RecordingQueue(), new Data.Storage.PostgresTrainingLogStore(pg.Db(owner)), TimeProvider.System).TrainersAsync();

        Assert.Equal(ResultKind.Forbidden, ownerCreate.Kind);
        Assert.Equal(ResultKind.Forbidden, ownerList.Kind);
        Assert.Equal(ResultKind.Forbidden, ownerDeactivate.Kind);
        Assert.False(deactivated.Value!.IsActive);
        Assert.DoesNotContain(offered, t => t.Id == created.Id);
    }
}
