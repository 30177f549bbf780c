using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StarStudio.Web.Security;

namespace StarStudio.Tests.Integration.Security;

/// <summary>The key ring as the app configures it, written to a real directory.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DataProtectionSetupTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("starstudio-dp-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddStarStudioDataProtection(configuration);
        return services.BuildServiceProvider();
    }

    private string Certificate(string password)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=StarStudio Data Protection test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = Path.Combine(root, "dp.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return path;
    }

    private static string Protect(ServiceProvider provider) =>
        provider.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("cookie secret");

    [Fact]
    public void Keys_WithACertificate_AreWrittenEncryptedAndReadBackByANewProcess()
    {
        var keys = Path.Combine(root, "keys");
        var settings = new Dictionary<string, string?>
        {
            ["StarStudio:DataProtection:KeysPath"] = keys,
            ["StarStudio:DataProtection:CertificatePath"] = Certificate("pfx-pass"),
            ["StarStudio:DataProtection:CertificatePassword"] = "pfx-pass",
        };
        string protectedText;
        using (var first = Build(settings))
        {
            protectedText = Protect(first);
        }

        var xml = File.ReadAllText(Assert.Single(Directory.GetFiles(keys, "key-*.xml")));
        Assert.Contains("EncryptedData", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("unencrypted", xml, StringComparison.OrdinalIgnoreCase);
        // A restart (a new key manager over the same files and certificate) still reads the cookies it issued.
        using var second = Build(settings);
        Assert.Equal("cookie secret", second.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(protectedText));
    }

    [Fact]
    public void Keys_WithoutACertificate_AreInADirectoryOnlyTheAppUserCanRead()
    {
        var keys = Path.Combine(root, "plain");

        using (var provider = Build(new() { ["StarStudio:DataProtection:KeysPath"] = keys }))
        {
            Protect(provider);
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(keys));
    }

    [Fact]
    public void Keys_ExistingDirectoryReadableByOthers_IsNarrowedToTheAppUser()
    {
        var keys = Directory.CreateDirectory(Path.Combine(root, "wide")).FullName;
        File.SetUnixFileMode(keys, (UnixFileMode)0b111_101_101);

        using (var provider = Build(new() { ["StarStudio:DataProtection:KeysPath"] = keys }))
        {
            Protect(provider);
        }

        Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(keys) & (UnixFileMode)0b000_111_111);
    }

    [Fact]
    public void Certificate_Missing_FailsTheStartWithOneClearLine()
    {
        using var provider = Build(new()
        {
            ["StarStudio:DataProtection:KeysPath"] = Path.Combine(root, "k"),
            ["StarStudio:DataProtection:CertificatePath"] = Path.Combine(root, "nope.pfx"),
        });

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DataProtectionSettings>>().Value);

        Assert.Contains("StarStudio__DataProtection__CertificatePath", e.Message, StringComparison.Ordinal);
    }
}
