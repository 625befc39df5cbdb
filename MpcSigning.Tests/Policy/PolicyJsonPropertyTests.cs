using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using MpcSigning.Policy;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Policy;

namespace MpcSigning.Tests.Policy;

/// <summary>Property tests over policy documents: the canonical form round-trips and any change moves the digest.</summary>
public class PolicyJsonPropertyTests
{
    private static Gen<byte[]> Bytes(int min, int max) => from n in Gen.Choose(min, max) from b in Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), n) select b;

    private static readonly Gen<string> Word = from n in Gen.Choose(1, 12)
                                               from cs in Gen.ArrayOf(Gen.Elements("abcdefghijklmnopqrstuvwxyzÀéöß-.'ДЖ 日本\"\\<>".ToCharArray()), n)
                                               select new string(cs);

    private static readonly Gen<TrustPolicy> Policies =
        from version in Gen.Choose(1, 1000)
        from created in Gen.Choose(0, int.MaxValue)
        from count in Gen.Choose(0, 6)
        from names in Gen.ArrayOf(Word, count)
        from roles in Gen.ArrayOf(Gen.Elements(Role.Engineer, Role.Steward), count)
        from keys in Gen.ArrayOf(Bytes(1, 91), count)
        from ids in Gen.ArrayOf(Bytes(16, 64), count)
        from eng in Gen.Choose(0, 5)
        from stw in Gen.Choose(0, 5)
        from t in Gen.Choose(2, 9)
        from n in Gen.Choose(2, 9)
        from measurements in Gen.ArrayOf(Bytes(32, 32), 3)
        from ca in Bytes(1, 600)
        from log in Bytes(32, 32)
        from previous in Bytes(32, 32)
        from signers in Gen.Choose(0, 3)
        from signerKeys in Gen.ArrayOf(Bytes(32, 32), signers)
        select Make(version, created, names, roles, keys, ids, eng, stw, t, n, measurements, ca, log, previous, signerKeys);

    private static TrustPolicy Make(int version, int created, string[] names, Role[] roles, byte[][] keys, byte[][] ids, int eng, int stw,
        int t, int n, byte[][] measurements, byte[] ca, byte[] log, byte[] previous, byte[][] signerKeys)
    {
        var p = new TrustPolicy
        {
            Version = (uint)version, CreatedAtUnixMs = created, RequiredEngineers = (uint)eng, RequiredStewards = (uint)stw,
            FrostThreshold = (uint)t, FrostSigners = (uint)n, CaCertificateDer = ByteString.CopyFrom(ca), LogPublicKey = ByteString.CopyFrom(log),
            PreviousDigest = version == 1 ? ByteString.Empty : ByteString.CopyFrom(previous), RpId = "mpcsign.local", RpOrigins = { "https://mpcsign.local" },
        };
        for (var i = 0; i < names.Length; i++)
            p.Participants.Add(new PolicyParticipant
            {
                Email = $"p{i}@example.com", Name = names[i], Role = roles[i], PublicKeySpki = ByteString.CopyFrom(keys[i]), CredentialId = ByteString.CopyFrom(ids[i]),
            });
        p.AllowedMeasurements.AddRange(measurements.Select(Convert.ToHexStringLower));
        for (var i = 0; i < signerKeys.Length; i++)
            p.Signers.Add(new PinnedSigner { Name = $"signer-{i + 1}", IdentityPublicKey = ByteString.CopyFrom(signerKeys[i]), AttestationReport = ByteString.CopyFrom(signerKeys[i][..7]) });
        PolicyChanges.Sort(p);
        return p;
    }

    [FsCheck.NUnit.Property(MaxTest = 200)]
    public Property CanonicalForm_RoundTrips() =>
        Prop.ForAll(Policies.ToArbitrary(), p =>
        {
            var json = PolicyJson.WritePolicy(p);
            var back = PolicyJson.ReadPolicy(json);
            return back.Equals(p) && PolicyJson.WritePolicy(back).AsSpan().SequenceEqual(json) && PolicyDigest.Of(back).AsSpan().SequenceEqual(PolicyDigest.Of(p));
        });

    /// <summary>Every field the policy has, changed in any way, changes the digest that v1 is pinned by and later versions are approved over.</summary>
    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property AnyMutation_ChangesTheDigest() =>
        Prop.ForAll(Policies.ToArbitrary(), Gen.Choose(0, 17).ToArbitrary(), ArbMap.Default.ArbFor<int>(), (p, which, seed) =>
        {
            var before = PolicyDigest.Of(p);
            var m = Mutate(p, which, seed);
            return m is null || !PolicyDigest.Of(m).AsSpan().SequenceEqual(before);
        });

    /// <summary>A flipped byte anywhere in the canonical bytes is either refused or reads as a policy with another digest.</summary>
    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property FlippedByte_IsRefusedOrChangesTheDigest() =>
        Prop.ForAll(Policies.ToArbitrary(), ArbMap.Default.ArbFor<int>(), ArbMap.Default.ArbFor<byte>(), (p, at, xor) =>
        {
            var json = PolicyJson.WritePolicy(p);
            var i = (int)((uint)at % json.Length);
            json[i] ^= xor == 0 ? (byte)1 : xor;
            try
            {
                return !PolicyDigest.Of(PolicyJson.ReadPolicy(json)).AsSpan().SequenceEqual(PolicyDigest.Of(p));
            }
            catch (PolicyException)
            {
                return true;
            }
        });

    [Test]
    public void NonCanonicalSpelling_IsRefused()
    {
        var p = Make(1, 5, ["Alice"], [Role.Engineer], [[1, 2]], [new byte[16]], 1, 0, 2, 3, [new byte[32]], [9], new byte[32], [], []);
        var json = System.Text.Encoding.UTF8.GetString(PolicyJson.WritePolicy(p));
        var spaced = json.Replace(",\"createdAt\"", ", \"createdAt\"");
        var ex = Assert.Throws<PolicyException>(() => PolicyJson.ReadPolicy(System.Text.Encoding.UTF8.GetBytes(spaced)));
        Assert.That(ex!.Message, Does.Contain("canonical"));
    }

    private static TrustPolicy? Mutate(TrustPolicy p, int which, int seed)
    {
        var m = p.Clone();
        var r = new Random(seed);
        byte[] Flip(ByteString b)
        {
            var x = b.ToByteArray();
            if (x.Length == 0) return [1];
            x[r.Next(x.Length)] ^= (byte)(1 + r.Next(255));
            return x;
        }
        switch (which)
        {
            case 0: m.Version++; break;
            case 1: m.PreviousDigest = ByteString.CopyFrom(Flip(m.PreviousDigest)); break;
            case 2: m.CreatedAtUnixMs++; break;
            case 3: m.RequiredEngineers++; break;
            case 4: m.RequiredStewards++; break;
            case 5: m.FrostThreshold++; break;
            case 6: m.FrostSigners++; break;
            case 7: m.AllowedMeasurements[r.Next(m.AllowedMeasurements.Count)] = new string('f', 64); if (m.Equals(p)) return null; break;
            case 8: m.CaCertificateDer = ByteString.CopyFrom(Flip(m.CaCertificateDer)); break;
            case 9: m.LogPublicKey = ByteString.CopyFrom(Flip(m.LogPublicKey)); break;
            case 10: m.RpId += "x"; break;
            case 11: m.RpOrigins.Add("https://evil.example"); break;
            case 12: m.Signers.Add(new PinnedSigner { Name = "extra" }); break;
            case 13 when m.Participants.Count > 0: m.Participants.RemoveAt(r.Next(m.Participants.Count)); break;
            case 14 when m.Participants.Count > 0:
                var x = m.Participants[r.Next(m.Participants.Count)];
                x.Role = x.Role == Role.Engineer ? Role.Steward : Role.Engineer;
                break;
            case 15 when m.Participants.Count > 0:
                var k = m.Participants[r.Next(m.Participants.Count)];
                k.PublicKeySpki = ByteString.CopyFrom(Flip(k.PublicKeySpki));
                break;
            case 16 when m.Participants.Count > 0:
                var c = m.Participants[r.Next(m.Participants.Count)];
                c.CredentialId = ByteString.CopyFrom(Flip(c.CredentialId));
                break;
            case 17 when m.Participants.Count > 0: m.Participants[0].Name += "!"; break;
            default: return null;
        }
        return m;
    }
}
