using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Cluster;

/// <summary>
/// The 7-member cluster of config/cluster/ as real <c>mpcsign node</c> processes on 127.0.0.1: free ports chosen at
/// start (the configuration's ports overridden through the environment, the authn member the one seed), one data
/// directory per member in a temporary folder, the test run's simulated SEV-SNP authority. Each member can be stopped
/// (SIGTERM), killed (SIGKILL) and started again; every process still running is killed on dispose.
/// </summary>
public sealed class ClusterMembers : IDisposable
{
    public static readonly string[] Names = ["authn", "ca", "tlog", "coordinator", "signer-1", "signer-2", "signer-3"];

    /// <summary>How long a member may take to report it is up.</summary>
    public static readonly TimeSpan UpWithin = TimeSpan.FromSeconds(90);

    /// <summary>
    /// How long a restarted member may take to come up or exit (<see cref="WaitUpRestartingOnExit"/>): a member the cluster
    /// never lets in gives up after its join timeout (the kill campaign sets 60 s) and then runs its coordinated shutdown
    /// (at most the host's 30 s) before it exits.
    /// </summary>
    public static readonly TimeSpan UpOrExitWithin = TimeSpan.FromSeconds(150);

    private readonly ConcurrentDictionary<string, Member> _running = new();
    private readonly Dictionary<string, int> _ports;

    /// <param name="configVariant">A subfolder of config/cluster/ whose files replace the base ones it holds (e.g. postgresql).</param>
    /// <param name="extraMembers">Members beside the seven, from the variant's files (e.g. coordinator-2); not started by <see cref="StartAll"/>.</param>
    public ClusterMembers((string Name, string Value)[] env, string? configVariant = null, params string[] extraMembers)
    {
        _variant = configVariant;
        Dir = new TempDir();
        // one simulated SEV-SNP root and one development link CA for every member and client, as config/cluster/ does
        var shared = Dir.File("shared");
        Directory.CreateDirectory(shared);
        TestNode.SeedSimulatedAuthority(shared);
        Environment = [.. env, ("MPCSIGN_SIMULATED_ROOT_DIR", shared), ("MPCSIGN_LINK_CA_DIR", shared)];
        AppDomain.CurrentDomain.ProcessExit += KillOnExit; // should the test host stop before the teardown runs
        _ports = Names.Concat(extraMembers).ToDictionary(n => n, _ => FreePort());
        foreach (var n in _ports.Keys) Directory.CreateDirectory(DataDir(n));
    }

    private readonly string? _variant;

    public TempDir Dir { get; }

    /// <summary>Environment every member and client gets (short service timeout, simulated attestation).</summary>
    public (string Name, string Value)[] Environment { get; }

    /// <summary>
    /// The seed members, the first one first (it alone may form a new cluster). One seed (authn) keeps formation fast;
    /// with several, any seed restarted while another runs rejoins through it.
    /// </summary>
    public string[] Seeds { get; init; } = ["authn"];

    public string SeedNodes => string.Join(",", Seeds.Select(s => "127.0.0.1:" + _ports[s]));

    public string DataDir(string member) => Dir.File(member);

    /// <summary>The member's structured log (--log-json: JSON lines, the audit trail included), across its restarts.</summary>
    public string LogFile(string member) => Dir.File(member + ".log.json");

    /// <summary>Each line of <paramref name="member"/>'s JSON log so far (read while the member may still write to it).</summary>
    public IReadOnlyList<System.Text.Json.JsonElement> LogEvents(string member)
    {
        using var stream = new FileStream(LogFile(member), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var events = new List<System.Text.Json.JsonElement>();
        while (reader.ReadLine() is { } line)
            if (line.Length > 0) events.Add(System.Text.Json.JsonDocument.Parse(line).RootElement.Clone());
        return events;
    }

    public static string ConfigFile(string member) => Path.Combine(AppContext.BaseDirectory, "config", "cluster", member + ".json");

    /// <summary>The member's file: the variant's when it has one, else config/cluster/'s.</summary>
    public string MemberConfigFile(string member) =>
        _variant is not null && File.Exists(Path.Combine(AppContext.BaseDirectory, "config", "cluster", _variant, member + ".json"))
            ? Path.Combine(AppContext.BaseDirectory, "config", "cluster", _variant, member + ".json")
            : ConfigFile(member);

    /// <summary>The variables that make a process use this cluster's ports.</summary>
    public (string Name, string Value)[] ClusterEnv(string? member) =>
    [
        .. Environment,
        ("MPCSIGN_CLUSTER_SEED_NODES", SeedNodes),
        ("MPCSIGN_CLUSTER_PORT", member is null ? "0" : _ports[member].ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];

    /// <summary>Starts every member (the seed first) and waits until each reports it is up.</summary>
    public void StartAll()
    {
        foreach (var n in Names) Start(n);
        foreach (var n in Names) WaitUp(n);
    }

    /// <summary>Starts <paramref name="member"/> from its config/cluster/ file, with extra variables (e.g. a crash step).</summary>
    public void Start(string member, params (string Name, string Value)[] extra)
    {
        if (_running.ContainsKey(member)) throw new InvalidOperationException(member + " is already running");
        var p = Process.Start(Mpcsign.StartInfo([.. ClusterEnv(member), .. extra], DataDir(member), "node", "--config", MemberConfigFile(member),
            "--log-json", LogFile(member)))!;
        var m = new Member(p);
        p.OutputDataReceived += (_, e) => m.Line(e.Data);
        p.ErrorDataReceived += (_, e) => m.Line(e.Data);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _running[member] = m;
    }

    public void WaitUp(string member)
    {
        var m = _running[member];
        var done = Task.WaitAny([m.Up.Task, m.Process.WaitForExitAsync()], UpWithin);
        if (done != 0)
            Assert.Fail($"member {member} did not come up within {UpWithin.TotalSeconds} s (exited: {m.Process.HasExited}):\n{m.Output}");
    }

    /// <summary>
    /// As a process supervisor would (systemd's Restart=on-failure): waits until <paramref name="member"/> is up, and
    /// when its process exits first (downed while it rejoined, e.g. welcomed by a seed that was killed before it told
    /// anyone, so the rest of the cluster ignores it until its split-brain resolver downs it or its join timeout ends its
    /// wait) starts it again, at most
    /// <paramref name="restarts"/> times. Returns the exit codes and last output lines of the restarts it made.
    /// </summary>
    public IReadOnlyList<string> WaitUpRestartingOnExit(string member, int restarts)
    {
        var made = new List<string>();
        while (true)
        {
            var m = _running[member];
            var done = Task.WaitAny([m.Up.Task, m.Process.WaitForExitAsync()], UpOrExitWithin);
            if (done == 0) return made;
            if (done != 1 || made.Count >= restarts)
                Assert.Fail($"member {member} did not come up within {UpOrExitWithin.TotalSeconds} s (exited: {m.Process.HasExited}; " +
                    $"restarted {made.Count} times after exiting):\n{m.Output}");
            m.Process.WaitForExit(); // flushes the asynchronous output readers
            made.Add($"exit {m.Process.ExitCode}: {string.Join(" | ", m.Output.Split('\n').TakeLast(2))}");
            _running.TryRemove(member, out _);
            m.Process.Dispose();
            Start(member);
        }
    }

    /// <summary>Waits until <paramref name="member"/>'s process has exited by itself (a crash step) and forgets it.</summary>
    public int WaitExited(string member, TimeSpan within) => WaitExitedWithOutput(member, within).ExitCode;

    /// <summary>As <see cref="WaitExited"/>, with everything the member printed.</summary>
    public (int ExitCode, string Output) WaitExitedWithOutput(string member, TimeSpan within)
    {
        var m = _running[member];
        if (!m.Process.WaitForExit(within)) Assert.Fail($"member {member} was expected to exit within {within.TotalSeconds} s:\n{m.Output}");
        m.Process.WaitForExit(); // flushes the asynchronous output readers
        _running.TryRemove(member, out _);
        var result = (m.Process.ExitCode, m.Output);
        m.Process.Dispose();
        return result;
    }

    /// <summary>kill -9.</summary>
    public void Kill(string member)
    {
        var m = _running[member];
        m.Process.Kill(entireProcessTree: true);
        m.Process.WaitForExit();
        _running.TryRemove(member, out _);
        m.Process.Dispose();
    }

    /// <summary>SIGTERM, then waits for the member to leave the cluster and exit; returns its exit code and output.</summary>
    public (int ExitCode, string Output) Stop(string member, TimeSpan within)
    {
        var m = _running[member];
        using (var term = Process.Start("kill", ["-TERM", m.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) term.WaitForExit();
        if (!m.Process.WaitForExit(within)) Assert.Fail($"member {member} did not stop within {within.TotalSeconds} s after SIGTERM:\n{m.Output}");
        m.Process.WaitForExit(); // flushes the asynchronous output readers
        _running.TryRemove(member, out _);
        var result = (m.Process.ExitCode, m.Output);
        m.Process.Dispose();
        return result;
    }

    /// <summary>Peak resident set (VmHWM, kB) of the member's current process, or 0 when it is not running.</summary>
    public long PeakRssKb(string member)
    {
        if (!_running.TryGetValue(member, out var m) || m.Process.HasExited) return 0;
        try
        {
            var line = File.ReadLines($"/proc/{m.Process.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public string Output(string member) => _running.TryGetValue(member, out var m) ? m.Output : "";

    public bool IsRunning(string member) => _running.TryGetValue(member, out var m) && !m.Process.HasExited;

    private void KillOnExit(object? sender, EventArgs e) => Dispose();

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        foreach (var m in _running.Values)
        {
            try
            {
                m.Process.Kill(entireProcessTree: true);
                m.Process.WaitForExit();
            }
            catch (InvalidOperationException)
            {
                // already exited
            }
            m.Process.Dispose();
        }
        _running.Clear();
        Dir.Dispose();
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private sealed class Member(Process process)
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public Process Process { get; } = process;

        public TaskCompletionSource Up { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Output => string.Join("\n", _lines);

        public void Line(string? line)
        {
            if (line is null) return;
            _lines.Enqueue(line);
            if (line.EndsWith(" is up", StringComparison.Ordinal)) Up.TrySetResult();
        }
    }
}
