namespace MpcSigning.TLog.Sequencer;

/// <summary>
/// Appends waiting for the log's writer thread. The writer blocks here between batches on a dedicated
/// thread: an async writer loop would be woken through the thread pool, queued behind every caller's
/// continuation (hundreds under load), which delays each batch and starves the one serial stage.
/// </summary>
internal sealed class AppendQueue<T>
{
    private readonly object _gate = new();
    private List<T> _waiting = new();
    private volatile int _count;
    private volatile bool _closed;
    private int _active;

    /// <summary>A caller started an append (it will queue an item soon); pair with <see cref="Exit"/>.</summary>
    public void Enter() => Interlocked.Increment(ref _active);

    /// <summary>A caller's append returned.</summary>
    public void Exit() => Interlocked.Decrement(ref _active);

    /// <summary>Appends entered and not yet returned.</summary>
    public int Active => Volatile.Read(ref _active);

    /// <summary>Queues an item; false once the queue is closed.</summary>
    public bool TryAdd(T item)
    {
        lock (_gate)
        {
            if (_closed) return false;
            _waiting.Add(item);
            _count = _waiting.Count;
            // The writer only ever waits on an empty queue, so only the first item needs to wake it.
            if (_waiting.Count == 1) Monitor.Pulse(_gate);
            return true;
        }
    }

    /// <summary>
    /// Blocks until items wait, then hands over up to <paramref name="max"/> of them in arrival order through
    /// <paramref name="batch"/> (which must be empty; lists are swapped, not copied). False once closed and drained.
    /// If callers that have entered have not all queued yet, waits up to <paramref name="linger"/> for them.
    /// </summary>
    public bool TakeBatch(ref List<T> batch, int max, TimeSpan linger)
    {
        lock (_gate)
        {
            while (_waiting.Count == 0)
            {
                if (_closed) return false;
                Monitor.Wait(_gate);
            }
        }
        Linger(max, linger);
        lock (_gate)
        {
            if (_waiting.Count <= max)
            {
                (batch, _waiting) = (_waiting, batch);
            }
            else
            {
                batch.AddRange(_waiting.GetRange(0, max));
                _waiting.RemoveRange(0, max);
            }
            _count = _waiting.Count;
            return true;
        }
    }

    /// <summary>
    /// Group commit's one heuristic: the callers of the batch just made durable are still returning, and a
    /// busy client appends again at once. Committing the first arrival alone would split them into two half
    /// batches with two fsyncs; a few microseconds' wait makes one. Spins (yielding) because the wait is far
    /// below a millisecond, the resolution of a blocking wait.
    /// </summary>
    private void Linger(int max, TimeSpan linger)
    {
        var deadline = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(linger.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        var spin = new SpinWait();
        while (!_closed && _count < Math.Min(max, Volatile.Read(ref _active)) && System.Diagnostics.Stopwatch.GetTimestamp() < deadline)
            spin.SpinOnce(sleep1Threshold: -1);
    }

    /// <summary>Refuses new items; the writer still drains what is queued.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            Monitor.PulseAll(_gate);
        }
    }
}
