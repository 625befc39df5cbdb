using MpcSigning.Attestation.Providers.Simulated;
using MpcSigning.Tests.Support;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace MpcSigning.Tests.Attestation;

/// <summary>The warning that attestation is simulated is said once, however often the provider is opened.</summary>
[NonParallelizable]
public class SimulatedWarningTests
{
    private sealed class Capture : ILogEventSink
    {
        public List<LogEvent> Events { get; } = new();

        public void Emit(LogEvent logEvent)
        {
            lock (Events) Events.Add(logEvent);
        }
    }

    [Test]
    public void Open_TwiceOnOneRootInOneProcess_WarnsOnce()
    {
        using var dir = new TempDir();
        var capture = new Capture();
        var previous = Log.Logger;
        Log.Logger = new LoggerConfiguration().WriteTo.Sink(capture).CreateLogger();
        string ark;
        try
        {
            using (var first = SimulatedProvider.Open(dir.Path)) ark = first.ArkFingerprint;
            using (SimulatedProvider.Open(dir.Path)) { }
        }
        finally
        {
            Log.Logger = previous;
        }
        var warnings = capture.Events.Where(e => e.Level == LogEventLevel.Warning
            && e.Properties.TryGetValue("ArkFingerprint", out var v) && v.ToString().Trim('"') == ark);
        Assert.That(warnings.Count(), Is.EqualTo(1));
    }

    [Test]
    public void Command_StartingANode_PrintsTheWarningOnce()
    {
        using var dir = new TempDir();
        var r = Mpcsign.Run(dir.File("data"), "trust-root");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Err);
        Assert.That(r.Err.Split('\n').Count(l => l.Contains("Attestation is SIMULATED")), Is.EqualTo(1), r.Err);
    }
}
