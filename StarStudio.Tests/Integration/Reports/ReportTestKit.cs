using Microsoft.EntityFrameworkCore;
using StarStudio.Core.Audit;
using StarStudio.Core.Common;
using StarStudio.Core.Reports;
using StarStudio.Core.Stars;
using StarStudio.Data.Audit;
using StarStudio.Data.Reports;
using StarStudio.Data.Storage;

namespace StarStudio.Tests.Integration.Reports;

/// <summary>Builds the report service over a test database and arranges stars as the maintenance role.</summary>
internal sealed class ReportTestKit(PostgresDatabase pg)
{
    public ContentReportService Reports(UserContext user) =>
        new(pg.Db(user), TimeProvider.System, new PostgresConversationMessageStore(pg.Db(user)));

    /// <summary>A star of <paramref name="owner"/>'s, public (and active) unless said otherwise.</summary>
    public async Task<Guid> StarAsync(UserContext owner, bool isPublic = true, string name = "墨痕")
    {
        await using var db = pg.OwnerContext();
        var star = new Star
        {
            Id = Guid.NewGuid(), OwnerId = owner.UserId!.Value, Name = name, Domain = "古籍修复", Persona = "一位说话温和的古籍修复师。",
            Status = StarStatus.Active, IsPublic = isPublic, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.Stars.Add(star);
        await db.SaveChangesAsync();
        return star.Id;
    }

    public async Task<ContentReport> StoredAsync(Guid id)
    {
        await using var db = pg.OwnerContext();
        return await db.Set<ContentReport>().AsNoTracking().SingleAsync(r => r.Id == id);
    }

    public async Task<AuditLogEntry> AuditAsync(string action, string targetId)
    {
        await using var db = pg.OwnerContext();
        return await db.AuditLogs.AsNoTracking().SingleAsync(e => e.Action == action && e.TargetId == targetId);
    }

    public static T Ok<T>(Result<T> result)
    {
        Assert.True(result.Succeeded, $"{result.Kind}: {string.Join(", ", result.Errors.Select(e => e.Field + " " + e.Code))}");
        return result.Value!;
    }

    public static void AssertError<T>(Result<T> result, string field, string code)
    {
        Assert.Equal(ResultKind.Invalid, result.Kind);
        Assert.Contains(result.Errors, e => e.Field == field && e.Code == code);
    }
}
