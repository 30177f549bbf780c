using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StarStudio.Core.Identity;

namespace StarStudio.Data.Identity;

internal sealed class StarUserConfiguration : IEntityTypeConfiguration<StarUser>
{
    public void Configure(EntityTypeBuilder<StarUser> b)
    {
        b.ToTable("users");
        b.Property(u => u.Email).HasColumnType("citext");
        b.Property(u => u.DisplayName).HasMaxLength(AccountRules.DisplayNameMaxLength).IsRequired();
        b.Property(u => u.Preferences).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        b.Property(u => u.CreatedAt).HasDefaultValueSql("now()");
        b.HasIndex(u => u.Email).IsUnique();
    }
}

internal sealed class StarRoleConfiguration : IEntityTypeConfiguration<StarRole>
{
    // Fixed ids so that the roles exist from the first migration on, before any user does.
    internal static readonly Dictionary<string, Guid> RoleIds = new()
    {
        [RoleNames.StarOwner] = Guid.Parse("6f1c2a10-0000-4000-8000-000000000001"),
        [RoleNames.SkillMaker] = Guid.Parse("6f1c2a10-0000-4000-8000-000000000002"),
        [RoleNames.Admin] = Guid.Parse("6f1c2a10-0000-4000-8000-000000000003"),
    };

    public void Configure(EntityTypeBuilder<StarRole> b)
    {
        b.ToTable("roles");
        b.HasData(RoleIds.Select(r => new StarRole(r.Key) { Id = r.Value, ConcurrencyStamp = r.Value.ToString() }));
    }
}

internal sealed class UserRoleLinkConfiguration : IEntityTypeConfiguration<IdentityUserRole<Guid>>
{
    public void Configure(EntityTypeBuilder<IdentityUserRole<Guid>> b) => b.ToTable("user_roles");
}

internal sealed class UserClaimConfiguration : IEntityTypeConfiguration<IdentityUserClaim<Guid>>
{
    public void Configure(EntityTypeBuilder<IdentityUserClaim<Guid>> b) => b.ToTable("user_claims");
}

internal sealed class UserLoginConfiguration : IEntityTypeConfiguration<IdentityUserLogin<Guid>>
{
    public void Configure(EntityTypeBuilder<IdentityUserLogin<Guid>> b) => b.ToTable("user_logins");
}

internal sealed class UserTokenConfiguration : IEntityTypeConfiguration<IdentityUserToken<Guid>>
{
    public void Configure(EntityTypeBuilder<IdentityUserToken<Guid>> b) => b.ToTable("user_tokens");
}

internal sealed class RoleClaimConfiguration : IEntityTypeConfiguration<IdentityRoleClaim<Guid>>
{
    public void Configure(EntityTypeBuilder<IdentityRoleClaim<Guid>> b) => b.ToTable("role_claims");
}
