using System.Diagnostics;
using MpcSigning.Interop;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Interop;

/// <summary>
/// The flock lock file. Two descriptors opened in one process exclude each other exactly as two processes do (flock
/// belongs to the open file description), so these in-process holders stand for separate processes.
/// </summary>
public class FileLockTests
{
    private TempDir _dir = null!;

    [SetUp]
    public void Dir() => _dir = new TempDir();

    [TearDown]
    public void Clean() => _dir.Dispose();

    private string LockPath => _dir.File("node.lock");

    [Test]
    public void Acquire_WhileAnotherDescriptorHoldsIt_FailsAtOnceNamingTheHolder()
    {
        using (FileLock.Acquire(LockPath, TimeSpan.Zero))
        {
            var clock = Stopwatch.StartNew();
            var e = Assert.Throws<FileLockedException>(() => FileLock.Acquire(LockPath, TimeSpan.Zero))!;
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
            Assert.That(e.Holder.Pid, Is.EqualTo(Environment.ProcessId));
            Assert.That(e.Holder.Command, Is.EqualTo(LockHolder.Current.Command));
            Assert.That(e.Message, Does.Contain($"pid {Environment.ProcessId} ("));
        }
        using var next = FileLock.Acquire(LockPath, TimeSpan.Zero);
        Assert.That(next.Path, Is.EqualTo(LockPath));
    }

    [Test]
    public async Task AcquireAsync_WithAWait_SaysOnceWhomItWaitsForAndGetsTheLockWhenReleased()
    {
        var holder = FileLock.Acquire(LockPath, TimeSpan.Zero);
        var told = new List<LockHolder>();
        var waiter = FileLock.AcquireAsync(LockPath, TimeSpan.FromSeconds(30), h => { lock (told) told.Add(h); });
        await Task.Delay(300);
        Assert.That(waiter.IsCompleted, Is.False, "the lock is still held");
        holder.Dispose();
        using var acquired = await waiter.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(told.Select(h => h.Pid), Is.EqualTo(new int?[] { Environment.ProcessId }));
        Assert.Throws<FileLockedException>(() => FileLock.Acquire(LockPath, TimeSpan.Zero)!.Dispose());
    }

    [Test]
    public async Task AcquireAsync_StillHeldAfterTheWait_GivesUpAndTheAbandonedWaiterReleasesWhatItGetsLater()
    {
        var holder = FileLock.Acquire(LockPath, TimeSpan.Zero);
        var clock = Stopwatch.StartNew();
        Assert.ThrowsAsync<FileLockedException>(() => FileLock.AcquireAsync(LockPath, TimeSpan.FromMilliseconds(400)));
        // It waited (the timer's clock is coarser than the Stopwatch's, hence the margin) rather than failing at once.
        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(350)));
        holder.Dispose();
        // The given-up waiter's flock may still win the lock after this release; it must let go of it at once.
        using var next = await FileLock.AcquireAsync(LockPath, TimeSpan.FromSeconds(10));
        await Task.Delay(200);
        Assert.Throws<FileLockedException>(() => FileLock.Acquire(LockPath, TimeSpan.Zero)!.Dispose(), "the new holder has it alone");
    }

    [Test]
    public void Acquire_LockFileLeftByADeadProcess_DoesNotBlockAndIsRewritten()
    {
        File.WriteAllText(LockPath, "pid 999999: mpcsign join --session 00\n");
        using var held = FileLock.Acquire(LockPath, TimeSpan.Zero);
        var e = Assert.Throws<FileLockedException>(() => FileLock.Acquire(LockPath, TimeSpan.Zero))!;
        Assert.That(e.Holder, Is.EqualTo(LockHolder.Current));
    }

    [Test]
    public void Dispose_ClearsTheHolderLine()
    {
        FileLock.Acquire(LockPath, TimeSpan.Zero).Dispose();
        Assert.That(File.ReadAllText(LockPath), Is.Empty);
        Assert.That(File.GetUnixFileMode(LockPath) & (UnixFileMode)0b000_111_111, Is.EqualTo((UnixFileMode)0), "owner-only");
    }

    [Test]
    public void Acquire_ManyThreadsIncrementingAFile_NoIncrementIsLost()
    {
        var counter = _dir.File("counter");
        File.WriteAllText(counter, "0");
        const int threads = 8, rounds = 40;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
        {
            for (var i = 0; i < rounds; i++)
            {
                using var held = FileLock.Acquire(LockPath, TimeSpan.FromSeconds(30));
                var n = int.Parse(File.ReadAllText(counter));
                Thread.Yield();
                File.WriteAllText(counter, (n + 1).ToString());
            }
        });
        Assert.That(File.ReadAllText(counter), Is.EqualTo((threads * rounds).ToString()));
    }

    [Test]
    public void Acquire_DirectoryMissing_IsAnIOExceptionNamingTheFile()
    {
        var path = _dir.File("missing/node.lock");
        Assert.That(() => FileLock.Acquire(path, TimeSpan.Zero), Throws.InstanceOf<IOException>().With.Message.Contain(path));
    }

    [TestCase(new[] { "/opt/mpcsign/mpcsign.dll", "join", "--session", "ab" }, "mpcsign join --session ab")]
    [TestCase(new[] { "/usr/bin/mpcsign", "status", "--session", "a\nb" }, "mpcsign status --session a b")]
    public void Holder_FromCommandLine_IsOneLineThatParsesBack(string[] args, string command)
    {
        var h = LockHolder.FromCommandLine(1234, args);
        Assert.That(h.Command, Is.EqualTo(command));
        Assert.That(h.Line, Is.EqualTo($"pid 1234: {command}"));
        Assert.That(LockHolder.Parse(h.Line + "\n"), Is.EqualTo(h));
        Assert.That(h.ToString(), Is.EqualTo($"pid 1234 ({command})"));
    }

    [TestCase("")]
    [TestCase("garbage")]
    public void Holder_EmptyOrForeignLine_IsUnnamed(string text) =>
        Assert.That(LockHolder.Parse(text).ToString(), Does.StartWith("another process"));
}
