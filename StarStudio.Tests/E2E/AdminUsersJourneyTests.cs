using static Microsoft.Playwright.Assertions;

namespace StarStudio.Tests.E2E;

/// <summary>Issue 16, users and roles: an admin finds a new user by e-mail, grants a role, and sees it in the user's
/// roles and in the audit entries about that user.</summary>
[Collection(E2ECollection.Name)]
public sealed class AdminUsersJourneyTests(AppServer app)
{
    [Fact]
    public async Task AdminFindsUserByEmail_GrantsSkillMaker_SeesTheRoleAndTheAuditEntry()
    {
        // The user to find is arranged in the database (registration has its own journeys): a plain player account.
        var email = $"find-me-{Guid.NewGuid():N}@example.test";
        await app.ScalarAsync($"""
            INSERT INTO users (id, user_name, normalized_user_name, email, normalized_email, email_confirmed, display_name,
                               security_stamp, concurrency_stamp, phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count)
            VALUES ('{Guid.NewGuid()}', '{email}', '{email.ToUpperInvariant()}', '{email}', '{email.ToUpperInvariant()}', false, '待授权用户',
                    '{Guid.NewGuid()}', '{Guid.NewGuid()}', false, false, true, 0)
            """);

        var admin = await app.NewPageAsync();
        await admin.SignInAsync(AppServer.AdminEmail, AppServer.AdminPassword);
        await admin.WaitForURLAsync("**/studio");
        await admin.OpenInteractiveAsync("/admin/users");
        // Upper case on purpose: the search ignores case.
        await admin.FillAsync("#users-search", email[..20].ToUpperInvariant());
        var row = admin.Locator("[data-testid=user-row]");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync(email);
        await row.GetByTestId("user-link").ClickAsync();
        await admin.WaitForURLAsync("**/admin/users/*");
        await Expect(admin.GetByTestId("user-email")).ToHaveTextAsync(email);

        await admin.ClickAsync("[data-testid=grant-skill_maker]");

        await Expect(admin.Locator("[data-testid=role-chip][data-role=skill_maker]")).ToBeVisibleAsync();
        await Expect(admin.Locator("[data-testid=audit-row][data-action='user.role_granted']")).ToBeVisibleAsync();
        await admin.ShotAsync("16-admin-user-granted");
        // The role is in the database, not only on the page.
        var roles = await app.ScalarAsync(
            $"SELECT count(*) FROM user_roles ur JOIN users u ON u.id = ur.user_id JOIN roles r ON r.id = ur.role_id WHERE u.email = '{email}' AND r.name = 'skill_maker'");
        Assert.Equal(1L, roles);
    }
}
