using System.Collections.Concurrent;
using System.Security.Cryptography;
using MpcSigning.Attestation.Report;

namespace MpcSigning.Attestation.Verification;

/// <summary>
/// Remembers certificate chains that verified, so re-attesting a known peer costs one ECDSA check instead of
/// three RSA-4096 checks. Keyed by every input the chain check reads (the certificate bytes, the report's
/// product, the policy's product and pinned simulated root); only successes are stored, and certificate
/// validity is still checked against the time of each call. Bounded: cleared when full.
/// </summary>
public sealed class VerifiedChainCache(int capacity = 1024)
{
    private readonly ConcurrentDictionary<string, VerifiedChain> _chains = new();

    public int Count => _chains.Count;

    internal VerifiedChain? Find(AttestationReport report, AttestationCertificates certs, AttestationPolicy policy) =>
        _chains.TryGetValue(Key(report, certs, policy), out var c) ? c : null;

    internal void Add(AttestationReport report, AttestationCertificates certs, AttestationPolicy policy, VerifiedChain chain)
    {
        if (_chains.Count >= capacity) _chains.Clear();
        _chains[Key(report, certs, policy)] = chain;
    }

    private static string Key(AttestationReport report, AttestationCertificates certs, AttestationPolicy policy)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in new[] { certs.SigningKey, certs.Intermediate, certs.Root })
        {
            h.AppendData(BitConverter.GetBytes(part?.Length ?? -1));
            if (part is not null) h.AppendData(part);
        }
        var product = report.Product;
        return $"{Convert.ToHexStringLower(h.GetHashAndReset())}|{product}|{policy.Product}|{policy.AllowVlek}|{policy.TrustedSimulatedArkFingerprint?.ToLowerInvariant()}";
    }
}
