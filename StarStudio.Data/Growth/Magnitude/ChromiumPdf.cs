using System.Diagnostics;
using Microsoft.Extensions.Options;
using StarStudio.Core.Growth;

namespace StarStudio.Data.Growth.Magnitude;

/// <summary>
/// HTML to PDF with headless Chromium (docs/magnitude.md: Debian's chromium renders CJK with fonts-noto-cjk, and needs no
/// extra NuGet package). Each call gets its own temporary profile and folder, removed afterwards.
/// </summary>
internal sealed class ChromiumPdf(IOptions<MagnitudeOptions> options)
{
    /// <summary>
    /// The Chromium binary, or null: the configured path only, when one is configured (an admin who names a binary means
    /// that one); else <c>STARSTUDIO_CHROMIUM</c>, else the first of the usual Debian/Ubuntu paths that exists.
    /// </summary>
    public string? Executable
    {
        get
        {
            if (!string.IsNullOrWhiteSpace(options.Value.ChromiumPath))
            {
                return File.Exists(options.Value.ChromiumPath) ? options.Value.ChromiumPath : null;
            }

            var candidates = new[] { Environment.GetEnvironmentVariable("STARSTUDIO_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" };
            return candidates.FirstOrDefault(p => !string.IsNullOrWhiteSpace(p) && File.Exists(p));
        }
    }

    /// <summary>The PDF of <paramref name="html"/>, or null when no Chromium is installed.</summary>
    /// <exception cref="InvalidOperationException">Chromium ran but made no PDF (or timed out).</exception>
    public async Task<byte[]?> RenderAsync(string html, CancellationToken ct)
    {
        if (Executable is not { } exe)
        {
            return null;
        }

        var dir = Directory.CreateTempSubdirectory("starstudio-pdf-");
        try
        {
            var page = Path.Combine(dir.FullName, "report.html");
            var pdf = Path.Combine(dir.FullName, "report.pdf");
            await File.WriteAllTextAsync(page, html, ct);
            var start = new ProcessStartInfo(exe)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-pdf-header-footer",
                "--user-data-dir=" + Path.Combine(dir.FullName, "profile"), "--print-to-pdf=" + pdf, new Uri(page).AbsoluteUri,
            })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("Chromium did not start");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.Value.ReportTimeout);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            _ = process.StandardOutput.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException("Chromium did not finish the PDF in time");
            }

            if (!File.Exists(pdf))
            {
                throw new InvalidOperationException($"Chromium made no PDF (exit {process.ExitCode}): {await stderr}");
            }

            return await File.ReadAllBytesAsync(pdf, ct);
        }
        finally
        {
            try
            {
                dir.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A crashed Chromium may still hold its profile for a moment; the temp folder is cleaned by the OS.
            }
        }
    }
}
