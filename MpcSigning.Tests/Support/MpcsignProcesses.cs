using System.Collections.Concurrent;
using System.Diagnostics;

namespace MpcSigning.Tests.Support;

/// <summary>
/// Real mpcsign processes run concurrently: at most <c>limit</c> at once, each killed if it runs past its time limit, and
/// every one still running killed when the group is disposed or <see cref="KillAll"/> is called (a failing test leaves
/// no process behind).
/// </summary>
public sealed class MpcsignProcesses(int limit, TimeSpan perProcess) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(limit, limit);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Process, bool> _running = new();

    /// <summary>Runs <c>mpcsign ARGS --data-dir DIR</c>; throws if it outlives its limit or the group is stopped.</summary>
    public Task<Mpcsign.Result> RunAsync(string dataDir, params string[] args) => RunAsync([], dataDir, args);

    /// <summary>Starts <c>mpcsign ARGS --data-dir DIR</c> with extra environment variables (see <see cref="RunAsync(string, string[])"/>).</summary>
    public async Task<Mpcsign.Result> RunAsync((string Name, string Value)[] env, string dataDir, params string[] args)
    {
        await _slots.WaitAsync(_stop.Token);
        try
        {
            using var p = Start(env, dataDir, args);
            try
            {
                var stdout = p.StandardOutput.ReadToEndAsync();
                var stderr = p.StandardError.ReadToEndAsync();
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                deadline.CancelAfter(perProcess);
                try
                {
                    await p.WaitForExitAsync(deadline.Token);
                }
                catch (OperationCanceledException)
                {
                    Kill(p);
                    throw new TimeoutException(_stop.IsCancellationRequested
                        ? $"mpcsign {string.Join(' ', args)} was killed: the test stopped every process"
                        : $"mpcsign {string.Join(' ', args)} did not finish within {perProcess.TotalSeconds:0} s");
                }
                return new Mpcsign.Result(p.ExitCode, await stdout, await stderr);
            }
            finally
            {
                _running.TryRemove(p, out _);
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Starts a process the caller drives (reads its output, kills it); it is still killed on dispose.</summary>
    public Process Start((string Name, string Value)[] env, string dataDir, params string[] args)
    {
        var p = Process.Start(Mpcsign.StartInfo(env, dataDir, args))!;
        _running[p] = true;
        return p;
    }

    /// <summary>Kills every process still running and refuses to start more.</summary>
    public void KillAll()
    {
        _stop.Cancel();
        foreach (var p in _running.Keys) Kill(p);
    }

    public void Dispose()
    {
        KillAll();
        _stop.Dispose();
        _slots.Dispose();
    }

    private static void Kill(Process p)
    {
        try
        {
            p.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has already exited.
        }
    }
}
