using StarStudio.Core.Chat;

namespace StarStudio.Tests.Unit.Chat;

public sealed class ChatRateLimiterTests
{
    [Fact]
    public void TryAcquire_AllowsTheLimitPerMinute_ThenRefuses()
    {
        using var limiter = new ChatRateLimiter();
        var user = Guid.NewGuid();

        var granted = Enumerable.Range(0, 5).Select(_ => limiter.TryAcquire(user, 3)).ToList();

        Assert.Equal([true, true, true, false, false], granted);
    }

    [Fact]
    public void TryAcquire_EachUserHasTheirOwnWindow()
    {
        using var limiter = new ChatRateLimiter();
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());

        Assert.True(limiter.TryAcquire(a, 1));
        Assert.False(limiter.TryAcquire(a, 1));
        Assert.True(limiter.TryAcquire(b, 1));
    }

    [Fact]
    public void TryAcquire_ARaisedLimitAppliesToTheNextMessage()
    {
        using var limiter = new ChatRateLimiter();
        var user = Guid.NewGuid();
        Assert.True(limiter.TryAcquire(user, 1));
        Assert.False(limiter.TryAcquire(user, 1));

        Assert.True(limiter.TryAcquire(user, 5));
    }

    [Fact]
    public void TryAcquire_ManyConcurrentRequests_GrantExactlyTheLimit()
    {
        using var limiter = new ChatRateLimiter();
        var user = Guid.NewGuid();
        var granted = 0;

        Parallel.For(0, 1000, _ =>
        {
            if (limiter.TryAcquire(user, 20))
            {
                Interlocked.Increment(ref granted);
            }
        });

        Assert.Equal(20, granted);
    }

    [Fact]
    public void TryAcquire_NonPositiveLimit_IsAProgrammingError()
    {
        using var limiter = new ChatRateLimiter();

        Assert.Throws<ArgumentOutOfRangeException>(() => limiter.TryAcquire(Guid.NewGuid(), 0));
    }
}
