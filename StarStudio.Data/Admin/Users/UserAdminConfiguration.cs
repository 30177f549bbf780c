using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StarStudio.Data.Identity;

namespace StarStudio.Data.Admin.Users;

/// <summary>The admin user list's sort orders (issue 16); the columns themselves are <see cref="StarUser"/>'s.</summary>
internal sealed class UserAdminConfiguration : IEntityTypeConfiguration<StarUser>
{
    public void Configure(EntityTypeBuilder<StarUser> b)
    {
        b.HasIndex(u => u.CreatedAt).HasDatabaseName("ix_users_created_at");
        b.HasIndex(u => u.LastSignInAt).HasDatabaseName("ix_users_last_sign_in_at");
    }
}
