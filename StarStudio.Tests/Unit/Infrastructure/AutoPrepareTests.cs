using Npgsql;
using StarStudio.Data.Infrastructure;

namespace StarStudio.Tests.Unit.Infrastructure;

public sealed class AutoPrepareTests
{
    [Fact]
    public void WithAutoPrepare_NotSet_PreparesStatementsUsedTwice()
    {
        var b = new NpgsqlConnectionStringBuilder(DatabaseOptions.WithAutoPrepare("Host=db;Database=starstudio;Username=starstudio_app"));

        Assert.Equal(DatabaseOptions.DefaultMaxAutoPrepare, b.MaxAutoPrepare);
        Assert.Equal(2, b.AutoPrepareMinUsages);
        Assert.Equal(("db", "starstudio", "starstudio_app"), (b.Host, b.Database, b.Username));
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;Max Auto Prepare=20", 20)]
    [InlineData("Host=db;maxautoprepare=0", 0)]
    public void WithAutoPrepare_SetInTheConnectionString_IsLeftAsSet(string connectionString, int expected) =>
        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(DatabaseOptions.WithAutoPrepare(connectionString)).MaxAutoPrepare);
}
