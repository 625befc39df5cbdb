using MpcSigning.Crypto;
using MpcSigning.Interop;

namespace MpcSigning.Tests.Crypto;

/// <summary>
/// The pool of sodium_malloc blocks behind SecretBytes: given-back memory is zero before anyone can take it again,
/// blocks are reused, regions end at their block's end (the trailing guard page), and large regions bypass the pool.
/// Tests here use the 2,048-byte size, which nothing else in the test run allocates, so that the pool's state is theirs.
/// </summary>
[NonParallelizable]
public class GuardedMemoryPoolTests
{
    private const int Length = 1500; // pooled as a 2,048-byte block

    /// <summary>Empties the 2,048-byte free list, so that every block given back in a test stays mapped in the pool.</summary>
    [SetUp]
    public void Drain()
    {
        while (GuardedMemoryPool.FreeCount(2048) > 0) Sodium.GuardedFree(GuardedMemoryPool.Rent(Length, out _));
    }

    [Test]
    public void Return_WipesTheWholeBlock_BeforeKeepingIt()
    {
        var block = GuardedMemoryPool.Rent(Length, out var capacity);
        Assert.That(capacity, Is.EqualTo(2048));
        Sodium.GuardedSpan(block, capacity).Fill(0xa5);
        var before = GuardedMemoryPool.FreeCount(capacity);
        GuardedMemoryPool.Return(block, capacity);
        // Still mapped: the block is in the pool (not freed), so its bytes can be read.
        Assert.That(GuardedMemoryPool.FreeCount(capacity), Is.EqualTo(before + 1));
        Assert.That(Sodium.GuardedSpan(block, capacity).IndexOfAnyExcept((byte)0), Is.EqualTo(-1), "returned memory must be zero");
    }

    [Test]
    public void DisposedHandle_LeavesItsBlockZeroed_AndTheNextRentReusesIt()
    {
        var handle = GuardedMemoryHandle.Allocate(Length);
        var block = handle.DangerousGetHandle();
        var region = Sodium.GuardedSpan(handle.Region, handle.Length);
        Assert.That(region.IndexOfAnyExcept((byte)0), Is.EqualTo(-1), "a new region is zero-filled");
        region.Fill(0x5a);
        Assert.That(handle.Region + handle.Length, Is.EqualTo(block + 2048), "the region ends at the block's end");
        handle.Dispose();
        Assert.That(GuardedMemoryPool.FreeCount(2048), Is.EqualTo(1), "kept in the pool, so still mapped");
        Assert.That(Sodium.GuardedSpan(block, 2048).IndexOfAnyExcept((byte)0), Is.EqualTo(-1), "disposed memory must be zero");

        var again = GuardedMemoryPool.Rent(Length, out var capacity);
        try
        {
            Assert.That(again, Is.EqualTo(block), "the most recently returned block is taken first");
            Assert.That(Sodium.GuardedSpan(again, capacity).IndexOfAnyExcept((byte)0), Is.EqualTo(-1));
        }
        finally
        {
            GuardedMemoryPool.Return(again, capacity);
        }
    }

    [Test]
    public void SecretBytes_OfEverySmallSize_StartZeroedAfterReuse()
    {
        for (var length = 0; length <= 130; length++)
        {
            using (var dirty = SecretBytes.Allocate(length)) dirty.Span.Fill(0xff);
            using var fresh = SecretBytes.Allocate(length);
            Assert.That(fresh.Length, Is.EqualTo(length));
            Assert.That(fresh.ReadOnlySpan.IndexOfAnyExcept((byte)0), Is.EqualTo(-1), $"length {length}");
        }
    }

    [Test]
    public void LargeRegion_IsNotPooled()
    {
        var block = GuardedMemoryPool.Rent(GuardedMemoryPool.MaxPooledSize + 1, out var capacity);
        Assert.That(capacity, Is.EqualTo(GuardedMemoryPool.MaxPooledSize + 1));
        Assert.That(Sodium.GuardedSpan(block, capacity).IndexOfAnyExcept((byte)0), Is.EqualTo(-1));
        GuardedMemoryPool.Return(block, capacity); // sodium_free: would abort the process on a damaged canary
    }

    [Test]
    public void Pool_KeepsAtMostItsBound()
    {
        var blocks = Enumerable.Range(0, GuardedMemoryPool.MaxFreePerSize + 5).Select(_ => GuardedMemoryPool.Rent(Length, out _)).ToList();
        foreach (var b in blocks) GuardedMemoryPool.Return(b, 2048);
        Assert.That(GuardedMemoryPool.FreeCount(2048), Is.EqualTo(GuardedMemoryPool.MaxFreePerSize));
    }
}
