using System.Globalization;
using System.Net.Sockets;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using MudBlazor.Services;
using StarStudio.Core.Common;
using StarStudio.Core.Identity;
using StarStudio.Core.Storage;
using StarStudio.Data;
using StarStudio.Data.Identity;
using StarStudio.Data.Infrastructure;
using StarStudio.Web.Billing;
using StarStudio.Web.Health;
using StarStudio.Web.Identity;
using StarStudio.Web.Localization;
using StarStudio.Web.Knowledge;
using StarStudio.Web.Markdown;
using StarStudio.Web.Media;
using StarStudio.Web.Security;

namespace StarStudio.Web;

/// <summary>The composition root of the web app, one method per stage so that Program.cs reads as a list.</summary>
public static class WebServiceCollectionExtensions
{
    public static IServiceCollection AddStarStudioWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        // MudBlazor registers its localizer transient, and each instance builds its own ResourceManager: 34 of them per
        // /studio circuit. It is stateless (it reads the current UI culture per call), so one serves every circuit.
        services.Replace(ServiceDescriptor.Singleton<MudBlazor.ILocalizationInterceptor, MudBlazor.DefaultLocalizationInterceptor>());
        services.AddLocalization(o => o.ResourcesPath = "Resources");
        services.AddHttpContextAccessor();

        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
        services.AddScoped<ICurrentUser, CurrentUser>();
        services.AddScoped<ClientAddress>();
        services.AddScoped<IClientAddress>(sp => sp.GetRequiredService<ClientAddress>());
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, ClientAddressCircuitHandler>();
        // Admin changes to an account reach its open circuits at once (docs/admin-users.md).
        services.AddSingleton<UserCircuitRegistry>();
        services.AddSingleton<StarStudio.Core.Admin.Users.IUserSessions>(sp => sp.GetRequiredService<UserCircuitRegistry>());
        // ... and those on the other instances, through LISTEN/NOTIFY.
        services.AddSingleton<UserSessionsListener>();
        services.AddHostedService(sp => sp.GetRequiredService<UserSessionsListener>());
        services.AddScoped<UserCircuitHandler>();
        // Memory goes back to the OS after users leave (docs/scaling.md, "Memory after users leave").
        services.AddSingleton<StarStudio.Web.Scaling.CircuitCounter>();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, StarStudio.Web.Scaling.CircuitCountHandler>();
        services.Configure<StarStudio.Web.Scaling.MemoryTrimOptions>(configuration.GetSection("StarStudio:Memory"));
        services.AddHostedService<StarStudio.Web.Scaling.CircuitMemoryTrimmer>();
        services.AddScoped<SignInAudit>();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler>(sp => sp.GetRequiredService<UserCircuitHandler>());
        // A disabled account's cookie (security stamp changed) stops working within a minute on every instance.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = IdentityConstants.ApplicationScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/forbidden";
            o.Cookie.Name = "starstudio.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
        });
        services.AddStarStudioCookieSecurity();
        services.AddAuthorization();
        services.AddIdentityCore<StarUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = AccountRules.PasswordMinLength;
                o.Password.RequireDigit = true;
                o.Password.RequireLowercase = true;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = AccountRules.MaxFailedAccessAttempts;
                o.Lockout.DefaultLockoutTimeSpan = AccountRules.LockoutDuration;
                o.SignIn.RequireConfirmedAccount = false;
            })
            .AddRoles<StarRole>()
            .AddEntityFrameworkStores<StarStudioDbContext>()
            .AddUserStore<StarUserStore>()
            .AddSignInManager<StarSignInManager>()
            .AddDefaultTokenProviders()
            .AddErrorDescriber<LocalizedIdentityErrorDescriber>();

        services.AddStarStudioDataProtection(configuration);
        services.AddStarStudioForwardedHeaders(configuration);
        services.AddStarStudioRateLimits();
        services.AddStarStudioJobs(configuration);
        services.AddHostedService<Knowledge.KnowledgeTaskRedriver>();
        services.AddStarStudioBillingWeb();
        Arena.ArenaWebSetup.AddStarStudioArenaWeb(services);
        Market.MarketCallsWebSetup.AddStarStudioMarketCallsWeb(services);
        Training.TrainingWebSetup.AddStarStudioTrainingWeb(services);
        Growth.MagnitudeWebSetup.AddStarStudioMagnitudeWeb(services);
        Explore.ExploreWebSetup.AddStarStudioExploreWeb(services);
        Analytics.AnalyticsWebSetup.AddStarStudioAnalyticsWeb(services);
        Recommendations.RecommendationWebSetup.AddStarStudioRecommendationsWeb(services);
        Notifications.NotificationWebSetup.AddStarStudioNotificationsWeb(services);
        services.AddSingleton<MarkdownRenderer>();
        services.AddOptions<SeedOptions>().BindConfiguration(SeedOptions.Section);
        services.AddScoped<IdentitySeeder>();
        services.AddHealthChecks()
            .AddCheck<PostgresHealthCheck>("postgres")
            .AddCheck<DocumentStoreHealthCheck>("documentStore")
            .AddCheck<ObjectStoreHealthCheck>("objectStore");
        return services;
    }

    /// <summary>Migrates the database, creates the buckets and seeds accounts before the first request.</summary>
    /// <returns>False (after one clear line on stderr) when a service the app needs is missing or misconfigured.</returns>
    public static async Task<bool> PrepareStarStudioAsync(this WebApplication app)
    {
        try
        {
            await PrepareAsync(app);
            return true;
        }
        catch (OptionsValidationException ex)
        {
            Console.Error.WriteLine("[starstudio] Configuration is incomplete: " + string.Join(" ", ex.Failures));
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException || ex.InnerException is NpgsqlException or SocketException)
        {
            var target = new NpgsqlConnectionStringBuilder(app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString);
            Console.Error.WriteLine($"[starstudio] Cannot use PostgreSQL at {target.Host}:{target.Port} (database {target.Database}): {(ex.InnerException ?? ex).Message} Is it running? ./run.sh starts a local one.");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or UnauthorizedAccessException || ex.GetType().Namespace?.StartsWith("Minio", StringComparison.Ordinal) == true)
        {
            Console.Error.WriteLine($"[starstudio] Cannot use the object store ({app.Configuration["StarStudio:ObjectStore:Provider"] ?? "Local"}): {ex.Message}");
        }

        return false;
    }

    private static async Task PrepareAsync(WebApplication app)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("StarStudio.Startup");
        var db = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        // Read here so that a bad setting ends the start with one line (below) rather than a stack trace later.
        _ = app.Services.GetRequiredService<IOptions<DataProtectionSettings>>().Value;
        _ = app.Services.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        _ = CookieSecurity.Policy(app.Environment, app.Configuration[CookieSecurity.PolicyKey]);
        if (!string.IsNullOrWhiteSpace(db.MigrationConnectionString))
        {
            await DatabaseMigrator.MigrateAsync(db.MigrationConnectionString, db.ConnectionString, db.JobsConnectionString, log);
        }

        await app.Services.GetRequiredService<IObjectStore>().EnsureBucketsAsync();
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IdentitySeeder>().SeedAsync();
    }

    public static WebApplication UseStarStudio(this WebApplication app)
    {
        // First: the scheme, host and client address that everything below sees are the real ones behind a proxy.
        app.UseStarStudioForwardedHeaders(app.Configuration);
        app.UseStarStudioSecurityHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
            app.UseHsts();
        }

        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseRequestLocalization(o =>
        {
            var cultures = CultureSwitch.Supported.Select(c => new CultureInfo(c)).ToList();
            o.DefaultRequestCulture = new RequestCulture(CultureSwitch.Default);
            o.SupportedCultures = cultures;
            o.SupportedUICultures = cultures;
            // Chinese first: only the user's explicit choice (the cookie) switches to English.
            o.RequestCultureProviders = [new CookieRequestCultureProvider()];
        });
        // After localization, so that a refused sign-in gets its page in the user's language.
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapStaticAssets();
        return app;
    }

    public static WebApplication MapStarStudioEndpoints(this WebApplication app)
    {
        app.MapHealthEndpoint();
        app.MapCultureEndpoints();
        app.MapAccountEndpoints();
        app.MapMediaEndpoints();
        Growth.MagnitudeEndpoints.MapMagnitudeEndpoints(app);
        app.MapKnowledgeWebhooks();
        app.MapBillingEndpoints();
        app.MapJobsDashboard();
        Training.TrainingWebSetup.MapTrainingEndpoints(app);
        Components.Studio.Cards.CardEndpoints.MapCardEndpoints(app);
        Components.Admin.Audit.AuditExport.MapAuditExport(app);
        return app;
    }

    /// <summary>Runs the app; a port already in use ends it with one clear line instead of a stack trace.</summary>
    public static async Task<int> RunStarStudioAsync(this WebApplication app)
    {
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (IOException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            Console.Error.WriteLine($"[starstudio] Cannot listen: {ex.Message} Set STARSTUDIO_PORT (./run.sh) or --urls to a free port.");
            return 2;
        }
    }
}
