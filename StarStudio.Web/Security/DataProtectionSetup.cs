using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;

namespace StarStudio.Web.Security;

/// <summary>
/// <c>StarStudio:DataProtection</c>: where the keys that sign cookies and protect webhook secrets are kept, and
/// how they are protected at rest.
/// </summary>
public sealed class DataProtectionSettings
{
    public const string Section = "StarStudio:DataProtection";

    /// <summary>A directory for the key ring; created readable by the app's user only. Empty: keys live in memory (lost on restart).</summary>
    public string? KeysPath { get; set; }

    /// <summary>A PKCS#12 (.pfx) file with a certificate and private key: every key is written encrypted to it.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The .pfx file's password, if it has one.</summary>
    public string? CertificatePassword { get; set; }
}

/// <summary>Configures ASP.NET Data Protection from <see cref="DataProtectionSettings"/>.</summary>
public static class DataProtectionSetup
{
    /// <summary>
    /// Persists keys to <see cref="DataProtectionSettings.KeysPath"/> (a directory only the app's user can read,
    /// on Unix) and, with a certificate configured, encrypts each key with it. Without a certificate the keys are
    /// plain XML on disk (ASP.NET logs a warning saying so): whoever reads them can forge sign-in cookies.
    /// </summary>
    public static IServiceCollection AddStarStudioDataProtection(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(DataProtectionSettings.Section).Get<DataProtectionSettings>() ?? new();
        var options = services.AddOptions<DataProtectionSettings>().Bind(configuration.GetSection(DataProtectionSettings.Section));
        var builder = services.AddDataProtection().SetApplicationName("StarStudio");
        if (!string.IsNullOrWhiteSpace(settings.KeysPath))
        {
            builder.PersistKeysToFileSystem(EnsurePrivateDirectory(settings.KeysPath));
        }

        if (!string.IsNullOrWhiteSpace(settings.CertificatePath))
        {
            X509Certificate2 certificate;
            try
            {
                certificate = LoadCertificate(settings.CertificatePath, settings.CertificatePassword);
            }
            catch (Exception ex) when (ex is CryptographicException or InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                // Reported on start as one line (PrepareStarStudioAsync), never as keys silently left unencrypted.
                options.Validate(_ => false, $"StarStudio__DataProtection__CertificatePath: cannot use '{settings.CertificatePath}': {ex.Message}").ValidateOnStart();
                return services;
            }

            builder.ProtectKeysWithCertificate(certificate);
            // Keys written under this certificate stay readable after it is replaced by a new one in configuration,
            // as long as the old file is listed here too; with one certificate this is the same one.
            builder.UnprotectKeysWithAnyCertificate(certificate);
        }

        return services;
    }

    /// <summary>The key directory, created (or narrowed, where the app user owns it) to owner-only access on Unix: the keys are the cookies' secret.</summary>
    internal static DirectoryInfo EnsurePrivateDirectory(string path)
    {
        var directory = new DirectoryInfo(Path.GetFullPath(path));
        if (OperatingSystem.IsWindows())
        {
            directory.Create();
            return directory;
        }

        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        try
        {
            if (!directory.Exists)
            {
                Directory.CreateDirectory(directory.FullName, ownerOnly);
            }
            else if ((File.GetUnixFileMode(directory.FullName) & ~ownerOnly) != 0)
            {
                File.SetUnixFileMode(directory.FullName, ownerOnly);
            }
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            // A directory the app user does not own (a volume created by root) cannot be narrowed; Data Protection
            // itself then reports whether it can write there, as it did before this check existed.
        }

        directory.Refresh();
        return directory;
    }

    private static X509Certificate2 LoadCertificate(string path, string? password)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException("there is no such file (a .pfx with a private key is needed).");
        }

        var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException("it has no private key, so keys could be written but never read back.");
        }

        return certificate;
    }
}
