using System.Collections.Concurrent;
using MpcSigning.Attestation;
using MpcSigning.Crypto;

namespace MpcSigning.Tests.Transport.Support;

/// <summary>
/// A node's provider that the test can swap mid-run (the node's code "changes" under a live link), and that remembers
/// SHA-256 of every report it handed out. Both providers behind it are real simulated providers.
/// </summary>
public sealed class SwitchableProvider(IAttestationProvider initial) : IAttestationProvider
{
    private volatile IAttestationProvider _current = initial;

    public ConcurrentBag<string> ReportDigests { get; } = [];

    public string Kind => _current.Kind;

    public void SwitchTo(IAttestationProvider next) => _current = next;

    public async Task<AttestationEvidence> GetEvidenceAsync(ReadOnlyMemory<byte> reportData, CancellationToken ct)
    {
        var evidence = await _current.GetEvidenceAsync(reportData, ct);
        ReportDigests.Add(Convert.ToHexStringLower(Hashes.Sha256(evidence.Report)));
        return evidence;
    }
}
