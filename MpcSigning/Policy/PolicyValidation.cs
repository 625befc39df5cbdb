using MpcSigning.AuthN;
using MpcSigning.AuthN.Registry;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Policy;

namespace MpcSigning.Policy;

/// <summary>What makes a policy version well-formed, whoever wrote it: checked when a node makes one and when verify reads one.</summary>
public static class PolicyValidation
{
    public static void Check(TrustPolicy p)
    {
        var v = $"trust policy v{p.Version}";
        if (p.Version == 0) throw new PolicyException("a trust policy's version starts at 1");
        if (p.Version == 1 ? p.PreviousDigest.Length != 0 : p.PreviousDigest.Length != 32)
            throw new PolicyException($"{v}: previousDigest must be {(p.Version == 1 ? "empty" : "32 bytes")}");
        if (p.RequiredEngineers + (ulong)p.RequiredStewards == 0) throw new PolicyException($"{v}: the quorum needs at least one approver");
        if (p.FrostThreshold < 2 || p.FrostThreshold > p.FrostSigners)
            throw new PolicyException($"{v}: FROST {p.FrostThreshold}-of-{p.FrostSigners} is not 2 <= t <= n");
        if (p.AllowedMeasurements.Count == 0 || p.AllowedMeasurements.Any(m => m.Length != 64 || !m.All(Uri.IsHexDigit) || m != m.ToLowerInvariant()))
            throw new PolicyException($"{v}: allowedMeasurements must list at least one SHA-256 of a measurement, as 64 lower-case hex characters");
        if (!p.AllowedMeasurements.SequenceEqual(p.AllowedMeasurements.Distinct().Order(StringComparer.Ordinal)))
            throw new PolicyException($"{v}: allowedMeasurements must be sorted and distinct");
        if (p.CaCertificateDer.Length == 0 || p.LogPublicKey.Length != 32)
            throw new PolicyException($"{v}: it must name the CA certificate and the log's 32-byte key");
        if (string.IsNullOrEmpty(p.RpId) || p.RpOrigins.Count == 0) throw new PolicyException($"{v}: it must name the WebAuthn relying party");
        var emails = new HashSet<string>(StringComparer.Ordinal);
        foreach (var x in p.Participants)
        {
            var participant = new Participant { Email = x.Email, Name = x.Name, Role = x.Role, PublicKeySpki = x.PublicKeySpki, CredentialId = x.CredentialId };
            var normalized = ParticipantValidation.Normalize(participant, out _, out var message)
                ?? throw new PolicyException($"{v}: {message}");
            if (normalized.Email != x.Email || normalized.Name != x.Name)
                throw new PolicyException($"{v}: participant {Text.Printable(x.Email)} is not normalized");
            if (!emails.Add(x.Email)) throw new PolicyException($"{v}: {x.Email} is listed twice");
        }
        var stewards = p.Participants.Count(x => x.Role == Role.Steward);
        var engineers = p.Participants.Count(x => x.Role == Role.Engineer);
        if (stewards < p.RequiredStewards || engineers < p.RequiredEngineers)
            throw new PolicyException($"{v}: its rule needs {p.RequiredEngineers} engineer(s) and {p.RequiredStewards} steward(s), " +
                $"but it names only {engineers} and {stewards}; nobody could ever meet it");
    }
}
