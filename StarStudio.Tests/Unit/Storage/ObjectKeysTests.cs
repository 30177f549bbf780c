using StarStudio.Core.Storage;

namespace StarStudio.Tests.Unit.Storage;

public class ObjectKeysTests
{
    [Theory]
    [InlineData("stars/abc/1.png")]
    [InlineData("a")]
    [InlineData("task-1/file_2.v1.pdf")]
    public void Validate_OrdinaryKeys_Pass(string key) => ObjectKeys.Validate(Buckets.Avatars, key);

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("a/../../b")]
    [InlineData("/absolute")]
    [InlineData("trailing/")]
    [InlineData("a//b")]
    [InlineData("back\\slash")]
    [InlineData("空格 key")]
    [InlineData("")]
    public void Validate_EscapingOrOddKeys_Throw(string key) =>
        Assert.Throws<ArgumentException>(() => ObjectKeys.Validate(Buckets.Avatars, key));

    [Fact]
    public void Validate_UnknownBucket_Throws() =>
        Assert.Throws<ArgumentException>(() => ObjectKeys.Validate("secrets", "a"));

    [Fact]
    public void Buckets_All_AreTheSeedBucketsPlusAvatarsAndFeedbackEvidence() =>
        Assert.Equal(["knowledge-raw", "model-artifacts", "trial-responses", "exports", "avatars", "feedback-evidence"], Buckets.All);
}
