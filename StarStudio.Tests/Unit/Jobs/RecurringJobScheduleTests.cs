using Hangfire;
using Hangfire.Common;
using Hangfire.Storage;
using StarStudio.Web.Jobs;

namespace StarStudio.Tests.Unit.Jobs;

/// <summary>
/// A recurring job's registration at start: a lock left by a killed process (a timeout) must not stop the app from
/// starting; the registration is retried in the background until it succeeds.
/// </summary>
public sealed class RecurringJobScheduleTests
{
    [Fact]
    public async Task ALockTimeout_DoesNotFailTheStart_AndTheRegistrationIsRetriedUntilItSucceeds()
    {
        var jobs = new FlakyJobs(timeouts: 2);
        using var schedule = new RecurringJobSchedule<Runner>(jobs, "arena-trial-clock", r => r.RunAsync(), "*/5 * * * *") { RetryDelay = TimeSpan.FromMilliseconds(10) };

        await schedule.StartAsync(CancellationToken.None); // does not throw

        await schedule.Registered.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, jobs.Calls);
        Assert.Equal(("arena-trial-clock", "*/5 * * * *"), jobs.Registered);
        await schedule.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task StoppedWhileWaitingToRetry_StopsQuietly_AndOtherErrorsStillFailTheStart()
    {
        var jobs = new FlakyJobs(timeouts: int.MaxValue);
        using var schedule = new RecurringJobSchedule<Runner>(jobs, "job", r => r.RunAsync(), "0 * * * *") { RetryDelay = TimeSpan.FromMinutes(5) };
        await schedule.StartAsync(CancellationToken.None);
        Assert.False(schedule.Registered.IsCompleted);

        await schedule.StopAsync(CancellationToken.None);

        Assert.Null(jobs.Registered);
        Assert.False(RecurringJobSchedule<Runner>.IsLockTimeout(new InvalidOperationException("a bad cron")));
        using var broken = new RecurringJobSchedule<Runner>(new FlakyJobs(0) { Failure = new InvalidOperationException("a bad cron") }, "job", r => r.RunAsync(), "nonsense");
        await Assert.ThrowsAsync<InvalidOperationException>(() => broken.StartAsync(CancellationToken.None));
    }

    public sealed class Runner
    {
        public Task RunAsync() => Task.CompletedTask;
    }

    /// <summary>Times out on the first <c>timeouts</c> registrations, as Hangfire does while another holds the lock.</summary>
    private sealed class FlakyJobs(int timeouts) : IRecurringJobManager
    {
        public int Calls { get; private set; }
        public (string Id, string Cron)? Registered { get; private set; }
        public Exception? Failure { get; init; }

        public void AddOrUpdate(string recurringJobId, Job job, string cronExpression, RecurringJobOptions options)
        {
            Calls++;
            if (Failure is not null)
            {
                throw Failure;
            }

            if (Calls <= timeouts)
            {
                throw new DistributedLockTimeoutException($"lock:recurring-job:{recurringJobId}");
            }

            Registered = (recurringJobId, cronExpression);
        }

        public void Trigger(string recurringJobId) => throw new NotSupportedException();

        public void RemoveIfExists(string recurringJobId) => throw new NotSupportedException();
    }
}
