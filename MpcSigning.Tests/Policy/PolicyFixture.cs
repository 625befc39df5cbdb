using System.Security.Cryptography;
using Google.Protobuf;
using MpcSigning.AuthN.Software;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Policy;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Policy;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Policy;

/// <summary>A bootstrap policy with Alice (engineer), Bob and Carol (stewards) holding real software authenticators.</summary>
internal sealed class PolicyFixture : IDisposable
{
    public static readonly RelyingParty Rp = RelyingParty.Default;
    private readonly TempDir _dir = new();

    public PolicyFixture()
    {
        V1 = new TrustPolicy
        {
            Version = 1, CreatedAtUnixMs = 1_700_000_000_000, RequiredEngineers = 1, RequiredStewards = 2, FrostThreshold = 2, FrostSigners = 3,
            CaCertificateDer = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(300)),
            LogPublicKey = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32)),
            RpId = Rp.RpId,
        };
        V1.RpOrigins.AddRange(Rp.AllowedOrigins);
        V1.AllowedMeasurements.Add(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
        foreach (var (name, email, role) in new[] { ("Alice", "alice@example.com", Role.Engineer), ("Bob", "bob@example.com", Role.Steward),
                     ("Carol", "carol@example.com", Role.Steward) })
            V1.Participants.Add(PolicyChanges.ToPolicy(Authenticator(email).ToParticipant(name, role)));
        PolicyChanges.Sort(V1);
        PolicyValidation.Check(V1);
    }

    public TrustPolicy V1 { get; }

    public byte[] Pin => PolicyDigest.Of(V1);

    public SoftwareAuthenticator Authenticator(string email) =>
        File.Exists(Path.Combine(_dir.Path, SoftwareAuthenticator.FileNameFor(email)))
            ? SoftwareAuthenticator.Load(_dir.Path, email) : SoftwareAuthenticator.Create(_dir.Path, email);

    /// <summary>The approval <paramref name="email"/> makes for the change to <paramref name="next"/> in session <paramref name="session"/>.</summary>
    public ApprovalRecord Approve(string email, string name, Role role, TrustPolicy next, byte[] session, SoftwareAuthenticator? with = null)
    {
        var a = with ?? Authenticator(email);
        var assertion = a.GetAssertion(ApprovalChallenge.Derive(session, PolicyDigest.Of(next)), Rp);
        return new ApprovalRecord
        {
            ParticipantEmail = email, ParticipantName = name, Role = role, PublicKeySpki = ByteString.CopyFrom(a.PublicKeySpki), Assertion = assertion,
        };
    }

    /// <summary>v1 and a version 2 approved by Bob and Carol (the rule's two stewards).</summary>
    public TrustPolicyChain ChainWith(TrustPolicy next, params string[] approvers)
    {
        var session = RandomNumberGenerator.GetBytes(16);
        var signed = new SignedTrustPolicy { Policy = next, ChangeSessionId = ByteString.CopyFrom(session) };
        foreach (var email in approvers)
        {
            var p = V1.Participants.Single(x => x.Email == email);
            signed.Approvals.Add(Approve(email, p.Name, p.Role, next, session));
        }
        return new TrustPolicyChain { Versions = { new SignedTrustPolicy { Policy = V1 }, signed } };
    }

    public void Dispose() => _dir.Dispose();
}
