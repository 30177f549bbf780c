using StarStudio.Core.Admin.Users;
using StarStudio.Core.Audit;
using StarStudio.Core.Common;

namespace StarStudio.Tests.Components.Admin.Users;

/// <summary>An in-memory <see cref="IUserAdminService"/> that applies the Core rules as the real one does and records its calls.</summary>
internal sealed class FakeUserAdminService : IUserAdminService
{
    public Guid Me { get; } = Guid.NewGuid();
    public bool Forbid { get; set; }
    public List<(UserFilter Filter, int PageIndex)> Searches { get; } = [];
    public List<string> Calls { get; } = [];
    public UserDetail User { get; set; }

    public FakeUserAdminService()
    {
        User = new UserDetail(Guid.NewGuid(), "lilei@example.test", "李雷", null, null, [], UserStatus.Active,
            DateTimeOffset.UtcNow.AddDays(-3), null, null, null, null, 0, [], 0, [], 0, [], []);
    }

    public Task<Result<Page<UserListItem>>> SearchAsync(UserFilter filter, int pageIndex, int pageSize, CancellationToken ct = default)
    {
        Searches.Add((filter, pageIndex));
        if (Forbid)
        {
            return Task.FromResult(Result<Page<UserListItem>>.Forbidden());
        }

        var all = new[]
        {
            new UserListItem(User.Id, User.Email, User.DisplayName, User.Roles, User.Status, User.CreatedAt, null),
            new UserListItem(Guid.NewGuid(), "hanmeimei@example.test", "韩梅梅", ["admin"], UserStatus.Disabled, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow),
        };
        var items = all.Where(u => filter.Search is not { Length: > 0 } s || u.Email.Contains(s, StringComparison.OrdinalIgnoreCase) || u.DisplayName.Contains(s, StringComparison.OrdinalIgnoreCase))
            .Where(u => filter.Role is null || (filter.Role == UserAdminRules.Player ? u.Roles.Count == 0 : u.Roles.Contains(filter.Role)))
            .Where(u => filter.Status is null || u.Status == filter.Status)
            .ToList();
        return Task.FromResult(Result<Page<UserListItem>>.Ok(new Page<UserListItem>(items, items.Count)));
    }

    public Task<Result<UserDetail>> GetAsync(Guid userId, CancellationToken ct = default) =>
        Task.FromResult(Forbid ? Result<UserDetail>.Forbidden() : userId == User.Id ? Result<UserDetail>.Ok(User) : Result<UserDetail>.NotFound());

    public Task<Result<UserDetail>> GrantRoleAsync(Guid userId, string role, CancellationToken ct = default)
    {
        Calls.Add("grant:" + role);
        return Change(null, u => u with
        {
            Roles = [.. u.Roles, role],
            AuditEntries = [new UserAuditItem(1, DateTimeOffset.UtcNow, AuditActions.RoleGranted, Me, u.Id.ToString(), "{\"roles\":[]}", $"{{\"roles\":[\"{role}\"]}}", null, null), .. u.AuditEntries],
        });
    }

    public Task<Result<UserDetail>> RevokeRoleAsync(Guid userId, string role, CancellationToken ct = default)
    {
        Calls.Add("revoke:" + role);
        return Change(UserAdminRules.CheckRevoke(Me, userId, role, User.Roles.Contains(role), otherActiveAdmins: 0),
            u => u with { Roles = u.Roles.Where(r => r != role).ToList() });
    }

    public Task<Result<UserDetail>> DisableAsync(Guid userId, string? reason, CancellationToken ct = default)
    {
        Calls.Add("disable:" + reason);
        return Change(UserAdminRules.CheckReason(reason) ?? UserAdminRules.CheckDisable(Me, userId, User.Roles.Contains("admin"), 1),
            u => u with { Status = UserStatus.Disabled, DisabledAt = DateTimeOffset.UtcNow });
    }

    public Task<Result<UserDetail>> EnableAsync(Guid userId, CancellationToken ct = default)
    {
        Calls.Add("enable");
        return Change(null, u => u with { Status = UserStatus.Active, DisabledAt = null });
    }

    public Task<Result<UserDetail>> DeleteAsync(Guid userId, string? reason, CancellationToken ct = default)
    {
        Calls.Add("delete:" + reason);
        return Change(UserAdminRules.CheckReason(reason) ?? UserAdminRules.CheckDelete(Me, userId, User.Roles.Contains("admin"), 1),
            u => u with { Status = UserStatus.Deleted, Email = UserAdminRules.Anonymise(u.Id).Email, Roles = [] });
    }

    private Task<Result<UserDetail>> Change(FieldError? refused, Func<UserDetail, UserDetail> apply)
    {
        if (refused is not null)
        {
            return Task.FromResult(Result<UserDetail>.Invalid([refused]));
        }

        User = apply(User);
        return Task.FromResult(Result<UserDetail>.Ok(User));
    }
}
