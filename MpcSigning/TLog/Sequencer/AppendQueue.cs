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
    private bool _closed;

    /// <summary>Queues an item; false once the queue is closed.</summary>
    public bool TryAdd(T item)
    {
        lock (_gate)
        {
            if (_closed) return false;
            _waiting.Add(item);
            // The writer only ever waits on an empty queue, so only the first item needs to wake it.
            if (_waiting.Count == 1) Monitor.Pulse(_gate);
            return true;
        }
    }

    /// <summary>
    /// Blocks until items wait, then hands over up to <paramref name="max"/> of them in arrival order through
    /// <paramref name="batch"/> (which must be empty; lists are swapped, not copied). False once closed and drained.
    /// </summary>
    public bool TakeBatch(ref List<T> batch, int max)
    {
        lock (_gate)
        {
            while (_waiting.Count == 0)
            {
                if (_closed) return false;
                Monitor.Wait(_gate);
            }
            if (_waiting.Count <= max)
            {
                (batch, _waiting) = (_waiting, batch);
            }
            else
            {
                batch.AddRange(_waiting.GetRange(0, max));
                _waiting.RemoveRange(0, max);
            }
            return true;
        }
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
