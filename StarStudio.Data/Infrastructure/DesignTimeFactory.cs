using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace StarStudio.Data.Infrastructure;

/// <summary>Lets <c>dotnet ef</c> build the model without starting the web app; it never connects.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<StarStudioDbContext>
{
    public StarStudioDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<StarStudioDbContext>();
        StarStudioDbContext.Configure(builder, "Host=127.0.0.1;Database=starstudio_design");
        return new StarStudioDbContext(builder.Options);
    }
}
