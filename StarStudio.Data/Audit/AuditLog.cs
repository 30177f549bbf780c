using StarStudio.Core.Audit;
using StarStudio.Core.Common;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Data.Audit;

/// <summary><see cref="IAuditLog"/> over <c>audit_append</c>, one transaction per entry.</summary>
/// <remarks>The client address comes from the web host's <see cref="IClientAddress"/>; jobs and tests have none.</remarks>
public sealed class AuditLog(StarStudioDb db, IClientAddress? client = null) : IAuditLog
{
    public Task<long> RecordAsync(AuditEvent e, CancellationToken ct = default) =>
        db.RunAsync((ctx, _) => AuditTrail.AppendAsync(ctx, e, client?.Get(), ct), ct);
}
