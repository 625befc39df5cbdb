using MpcSigning.TLog.Sequencer;

namespace MpcSigning.Tests.TLog;

public class AppendQueueTests
{
    [Test]
    public void TakeBatch_MoreWaitingThanMax_ArrivalOrderInBatchesOfMax()
    {
        var q = new AppendQueue<int>();
        for (var i = 0; i < 10; i++) Assert.That(q.TryAdd(i), Is.True);
        var batch = new List<int>();
        Assert.That(q.TakeBatch(ref batch, 4, TimeSpan.Zero), Is.True);
        Assert.That(batch, Is.EqualTo(new[] { 0, 1, 2, 3 }));
        batch.Clear();
        Assert.That(q.TakeBatch(ref batch, 100, TimeSpan.Zero), Is.True);
        Assert.That(batch, Is.EqualTo(new[] { 4, 5, 6, 7, 8, 9 }));
    }

    [Test]
    public void Close_ItemsStillWaiting_DrainedThenFalseAndNewItemsRefused()
    {
        var q = new AppendQueue<int>();
        q.TryAdd(1);
        q.Close();
        Assert.That(q.TryAdd(2), Is.False);
        var batch = new List<int>();
        Assert.That(q.TakeBatch(ref batch, 8, TimeSpan.Zero), Is.True);
        Assert.That(batch, Is.EqualTo(new[] { 1 }));
        batch.Clear();
        Assert.That(q.TakeBatch(ref batch, 8, TimeSpan.Zero), Is.False);
    }

    [Test, CancelAfter(10_000)]
    public void TakeBatch_ManyProducers_EveryItemOnceAndEachProducersOrderKept()
    {
        var q = new AppendQueue<(int Producer, int Seq)>();
        var producers = Enumerable.Range(0, 8).Select(p => Task.Run(() =>
        {
            for (var s = 0; s < 2000; s++) q.TryAdd((p, s));
        })).ToArray();
        var seen = new List<(int Producer, int Seq)>();
        var consumer = Task.Run(() =>
        {
            var batch = new List<(int, int)>();
            while (q.TakeBatch(ref batch, 64, TimeSpan.Zero))
            {
                seen.AddRange(batch);
                batch.Clear();
            }
        });
        Task.WaitAll(producers);
        q.Close();
        consumer.Wait();
        Assert.That(seen, Has.Count.EqualTo(16_000));
        foreach (var g in seen.GroupBy(x => x.Producer))
            Assert.That(g.Select(x => x.Seq), Is.EqualTo(Enumerable.Range(0, 2000)), $"producer {g.Key}");
    }

    [Test, CancelAfter(10_000)]
    public void TakeBatch_EnteredCallerNotYetQueued_WaitsForItWithinLinger()
    {
        var q = new AppendQueue<int>();
        q.Enter();
        q.Enter();
        q.TryAdd(1);
        var late = Task.Run(async () =>
        {
            await Task.Delay(50);
            q.TryAdd(2);
        });
        var batch = new List<int>();
        Assert.That(q.TakeBatch(ref batch, 8, TimeSpan.FromSeconds(5)), Is.True);
        Assert.That(batch, Is.EqualTo(new[] { 1, 2 }));
        late.Wait();
    }

    [Test, CancelAfter(10_000)]
    public void TakeBatch_EnteredCallerNeverQueues_TakesWhatWaitsAfterLinger()
    {
        var q = new AppendQueue<int>();
        q.Enter();
        q.Enter();
        q.TryAdd(1);
        var batch = new List<int>();
        Assert.That(q.TakeBatch(ref batch, 8, TimeSpan.FromMilliseconds(20)), Is.True);
        Assert.That(batch, Is.EqualTo(new[] { 1 }));
    }
}
