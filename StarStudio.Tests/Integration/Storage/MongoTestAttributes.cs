using Xunit.Abstractions;
using Xunit.Sdk;

namespace StarStudio.Tests.Integration.Storage;

/// <summary>Where the MongoDB contract tests find a server: <c>STARSTUDIO_TEST_MONGO</c>, a MongoDB connection string.</summary>
public static class MongoTestServer
{
    public const string Variable = "STARSTUDIO_TEST_MONGO";
    public const string SkipReason = "STARSTUDIO_TEST_MONGO is not set; MongoDB contract tests need a MongoDB server";

    public static string? ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;
}

/// <summary>A fact that reports itself skipped, with the reason, when no MongoDB server is configured.</summary>
public sealed class MongoFactAttribute : FactAttribute
{
    public MongoFactAttribute()
    {
        if (MongoTestServer.ConnectionString is null)
        {
            Skip = MongoTestServer.SkipReason;
        }
    }
}

/// <summary>
/// Marks a concrete contract class whose tests need MongoDB. The contract's tests are declared once, on the
/// abstract class, so a skip cannot sit on their attributes; <see cref="ContractFactAttribute"/> reads this instead.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RequiresMongoAttribute : Attribute;

/// <summary>A contract test: a fact that is skipped in a <see cref="RequiresMongoAttribute"/> class without a MongoDB server.</summary>
[XunitTestCaseDiscoverer("StarStudio.Tests.Integration.Storage.ContractFactDiscoverer", "StarStudio.Tests")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ContractFactAttribute : FactAttribute;

public sealed class ContractFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var needsMongo = testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresMongoAttribute)).Any();
        if (needsMongo && MongoTestServer.ConnectionString is null)
        {
            return
            [
                new XunitSkippedDataRowTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(),
                    discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, MongoTestServer.SkipReason),
            ];
        }

        return base.Discover(discoveryOptions, testMethod, factAttribute);
    }
}
