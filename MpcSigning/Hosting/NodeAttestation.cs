using System.Text;
using MpcSigning.Attestation;
using MpcSigning.Attestation.Verification;
using MpcSigning.Crypto;
using MpcSigning.Interop;

namespace MpcSigning.Hosting;

/// <summary>
/// At start a node attests itself through its configured provider and verifies its own report with the same verifier
/// its peers use: the certificates' enclave measurement is taken from a report that verified, never assumed. With
/// TEE_POLICY_HASH set, a node whose build does not match refuses to start.
/// </summary>
public static class NodeAttestation
{
    /// <param name="Measurement">The 48-byte MEASUREMENT of this node's verified report.</param>
    /// <param name="ReportDigest">SHA-256 of the report (hex), for the audit trail.</param>
    /// <param name="ProviderKind">configfs, ioctl or simulated.</param>
    public sealed record SelfAttestation(byte[] Measurement, string ReportDigest, string ProviderKind)
    {
        /// <summary>The provider this node attests with (its attested links answer challenges through it).</summary>
        public IAttestationProvider Provider { get; init; } = null!;

        /// <summary>The policy this node verifies its own and its peers' reports with.</summary>
        public AttestationPolicy Policy { get; init; } = null!;
    }

    /// <summary>
    /// The attestation settings of a loaded configuration (file, then environment: Attestation:Provider /
    /// MPCSIGN_ATTESTATION_PROVIDER, Attestation:AllowSimulated / MPCSIGN_ALLOW_SIMULATED_ATTESTATION, TEE_POLICY_HASH).
    /// The one reading of them: the node and 'mpcsign attest report' both use it.
    /// </summary>
    public static AttestationOptions Options(NodeConfig config) => new()
    {
        Provider = config.AttestationProvider switch
        {
            "configfs" => AttestationProviderKind.ConfigFs,
            "ioctl" => AttestationProviderKind.Ioctl,
            "simulated" => AttestationProviderKind.Simulated,
            _ => AttestationProviderKind.Auto,
        },
        AllowSimulated = config.AllowSimulatedAttestation,
        Policy = AttestationPolicy.Strict with { TeePolicyHash = config.TeePolicyHash },
    };

    public static async Task<SelfAttestation> AttestSelfAsync(NodeConfig config, DataDirectory data, TimeProvider clock)
    {
        var options = Options(config);
        var provider = AttestationProviders.Create(options, config.SimulatedRootDir ?? data.Path);
        var policy = AttestationProviders.VerificationPolicy(options, provider);
        var nonce = new byte[32];
        Sodium.RandomBytes(nonce);
        // report_data binds the report to this start of this node (domain label, node name, fresh nonce).
        var reportData = Hashes.Sha512([Encoding.UTF8.GetBytes("mpcsign/node-start/v1\0" + config.NodeName + "\0"), nonce]);
        var evidence = await provider.GetEvidenceAsync(reportData, CancellationToken.None);
        var verdict = AttestationVerifier.Verify(evidence.Report, evidence.Certificates, policy, reportData, clock.GetUtcNow());
        if (!verdict.Ok)
            throw new AttestationException(verdict.Code, "this node's own attestation report does not verify: " + verdict.Message);
        return new SelfAttestation(verdict.Report!.Measurement, Convert.ToHexStringLower(Hashes.Sha256(evidence.Report)), provider.Kind)
        {
            Provider = provider,
            Policy = policy,
        };
    }
}
