using Google.Protobuf;
using MpcSigning.Crypto;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Policy;

namespace MpcSigning.Policy;

/// <summary>
/// The node's trust policy chain, <c>DATA_DIR/trust-policy.json</c> (canonical JSON, <see cref="PolicyJson.WriteChain"/>).
/// Public material: its integrity comes from the chain itself (v1 pinned by its fingerprint, each later version approved
/// by the previous version's stewards), not from the file, so an insider who edits it only makes verifiers refuse.
/// </summary>
public sealed class PolicyStore(string directory)
{
    public const string FileName = "trust-policy.json";

    private readonly object _gate = new();
    private (DateTime Written, long Length, TrustPolicyChain Chain)? _cache;

    public string FilePath => Path.Combine(directory, FileName);

    /// <summary>The chain, checked from its own version 1 (the node trusts the v1 it made); null before the bootstrap.</summary>
    public TrustPolicyChain? Load()
    {
        lock (_gate)
        {
            var info = new FileInfo(FilePath);
            if (!info.Exists) return null;
            if (_cache is { } c && c.Written == info.LastWriteTimeUtc && c.Length == info.Length) return c.Chain;
            var chain = PolicyJson.ReadChain(File.ReadAllBytes(FilePath), FilePath);
            if (chain.Versions.Count == 0) throw new PolicyException($"{FilePath} holds no policy version");
            PolicyChain.Verify(chain, PolicyDigest.Of(chain.Versions[0].Policy));
            _cache = (info.LastWriteTimeUtc, info.Length, chain);
            return chain;
        }
    }

    public TrustPolicy? Current() => Load()?.Versions[^1].Policy;

    /// <summary>Makes and stores version 1 unless a chain exists; returns the current policy and whether it was just made.</summary>
    public (TrustPolicy Policy, bool Created) Bootstrap(Func<TrustPolicy> makeV1)
    {
        lock (_gate)
        {
            if (Current() is { } existing) return (existing, false);
            var v1 = makeV1();
            PolicyChanges.Sort(v1);
            PolicyValidation.Check(v1);
            Save(new TrustPolicyChain { Versions = { new SignedTrustPolicy { Policy = v1 } } });
            return (v1, true);
        }
    }

    /// <summary>Appends a version its approvals make a valid step from the current one; throws <see cref="PolicyException"/> otherwise.</summary>
    public void Append(SignedTrustPolicy next)
    {
        lock (_gate)
        {
            var chain = Load() ?? throw new PolicyException("there is no trust policy yet to change; version 1 is made at the first session");
            PolicyChain.CheckStep(chain.Versions[^1].Policy, next);
            chain.Versions.Add(next);
            Save(chain);
        }
    }

    private void Save(TrustPolicyChain chain)
    {
        var tmp = FilePath + ".tmp";
        File.WriteAllBytes(tmp, PolicyJson.WriteChain(chain));
        File.Move(tmp, FilePath, overwrite: true);
    }

    /// <summary>Version 1 from the node's set-up: its enrolled participants, configured rule, FROST t-of-n, measurement, CA and log key.</summary>
    public static TrustPolicy MakeV1(IEnumerable<Participant> enrolled, Hosting.NodeConfig config, byte[] caCertificateDer, byte[] logPublicKey,
        byte[] measurement, long nowUnixMs, IEnumerable<PinnedSigner>? signers = null)
    {
        var p = new TrustPolicy
        {
            Version = 1, CreatedAtUnixMs = nowUnixMs,
            RequiredEngineers = config.Coordinator.Policy.RequiredEngineers, RequiredStewards = config.Coordinator.Policy.RequiredStewards,
            FrostThreshold = (uint)config.Threshold, FrostSigners = (uint)config.Signers,
            CaCertificateDer = ByteString.CopyFrom(caCertificateDer), LogPublicKey = ByteString.CopyFrom(logPublicKey),
            RpId = config.RelyingPartyId, RpOrigins = { config.RelyingPartyOrigin },
        };
        p.AllowedMeasurements.Add(config.TeePolicyHash?.ToLowerInvariant() ?? Convert.ToHexStringLower(Hashes.Sha256(measurement)));
        p.Participants.AddRange(enrolled.Select(PolicyChanges.ToPolicy));
        p.Signers.AddRange(signers ?? []);
        return p;
    }
}
