using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using StarStudio.Core.Stars;

namespace StarStudio.Data.Explore;

/// <summary>
/// Keeps <c>stars.search_text</c> current: before any save that adds a star or changes one of its searchable fields (name,
/// 星域, tone, tags, greeting), and before any save that adds a persona version, whichever service made the change (the editor, a card import, the creation assistant), the
/// text is computed again by jieba. Registered on every context (<see cref="StarStudioDbContext.Configure"/>).
/// </summary>
internal sealed class StarSearchTextInterceptor : SaveChangesInterceptor
{
    public static readonly StarSearchTextInterceptor Instance = new();

    private static readonly string[] Searched = [nameof(Star.Name), nameof(Star.Domain), nameof(Star.Tone), nameof(Star.Tags), nameof(Star.Greeting)];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Refresh(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Refresh(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private static void Refresh(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        foreach (var entry in context.ChangeTracker.Entries<Star>())
        {
            var changed = entry.State == EntityState.Added
                || (entry.State == EntityState.Modified && Searched.Any(p => entry.Property(p).IsModified));
            if (!changed)
            {
                continue;
            }

            var star = entry.Entity;
            Set(entry, GallerySearchText.For(star.Name, star.Domain, star.Tone, star.Tags, star.Greeting));
        }

        foreach (var entry in context.ChangeTracker.Entries<StarPersonaVersion>())
        {
            if (entry.State == EntityState.Added || (entry.State == EntityState.Modified && Searched.Any(p => entry.Property(p).IsModified)))
            {
                var v = entry.Entity;
                Set(entry, GallerySearchText.For(v.Name, v.Domain, v.Tone, v.Tags, v.Greeting));
            }
        }
    }

    private static void Set(Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry entry, string text)
    {
        var property = entry.Property(StarSearchTextConfiguration.Property);
        if (!string.Equals((string?)property.CurrentValue, text, StringComparison.Ordinal))
        {
            property.CurrentValue = text;
        }
    }
}
