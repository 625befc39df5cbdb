using System.Security.Cryptography;
using Google.Protobuf;
using MpcSigning.Crypto;
using MpcSigning.Crypto.Edwards25519;
using MpcSigning.Interop;
using MpcSigning.Proto.Frost;

namespace MpcSigning.Signing.Frost;

/// <summary>
/// The key generation that accompanies RFC 9591 (its section 5 assumes keys from a trusted dealer, Appendix C,
/// or a DKG): Pedersen's DKG with Schnorr proofs of knowledge, as specified by the Zcash Foundation's frost-core
/// keys/dkg.rs and the FROST paper (Komlo-Goldberg 2020, Figure 1). No party ever holds the group secret.
/// </summary>
internal static class KeyGeneration
{
    /// <summary>
    /// Part 1 for participant <paramref name="identifier"/> with secret coefficients a_0..a_(t-1):
    /// commitments phi_k = a_k * B and a proof of knowledge of a_0: k random, R = k * B,
    /// c = HDKG(id || phi_0 || R), mu = k + a_0 * c.
    /// </summary>
    public static Round1Package Part1(uint identifier, SecretBytes coefficients)
    {
        var package = new Round1Package { Sender = identifier };
        var count = coefficients.Length / Group.ScalarSize;
        for (var k = 0; k < count; k++)
            package.Commitment.Add(ByteString.CopyFrom(Group.ScalarBaseMult(coefficients.ReadOnlySpan.Slice(k * 32, 32), $"DKG coefficient {k}")));

        Span<byte> nonce = stackalloc byte[Group.ScalarSize];
        Span<byte> mu = stackalloc byte[Group.ScalarSize];
        try
        {
            Sodium.ScalarRandom(nonce);
            var r = Group.ScalarBaseMult(nonce, "proof-of-knowledge nonce");
            var c = CiphersuiteHashes.Hdkg(Group.SerializeIdentifier(identifier), package.Commitment[0].Span, r);
            Sodium.ScalarMul(mu, coefficients.ReadOnlySpan[..32], c);
            Sodium.ScalarAdd(mu, mu, nonce);
            package.ProofOfKnowledge = ByteString.CopyFrom([.. r, .. mu]);
            return package;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(nonce);
            CryptographicOperations.ZeroMemory(mu);
        }
    }

    /// <summary>
    /// Part 2's check of a peer's round-1 package: t valid commitments (each validated once, section 3.1 of
    /// RFC 9591) and a proof of knowledge with R == mu * B - c * phi_0, computed as one variable-time
    /// multi-scalar multiplication: mu, c, phi_0 and R are all public. Returns the commitments; blames the
    /// sender on any failure.
    /// </summary>
    public static CoefficientCommitments VerifyRound1(Round1Package package, uint threshold)
    {
        var sender = package.Sender;
        if (package.Commitment.Count != threshold)
            throw new FrostException(FrostError.InvalidProofOfKnowledge,
                $"DKG round 1 from {sender}: expected {threshold} commitments (one per coefficient), got {package.Commitment.Count}.", sender);
        var points = package.Commitment.Select((c, k) => Group.DecodeElement(c, $"DKG round 1 from {sender}: commitment {k}", sender)).ToArray();
        var proof = package.ProofOfKnowledge;
        if (proof.Length != 64)
            throw new FrostException(FrostError.InvalidProofOfKnowledge,
                $"DKG round 1 from {sender}: the proof of knowledge must be R || mu, 64 bytes, got {proof.Length}.", sender);
        // R needs no validation of its own: it must equal mu*B - c*phi_0, a valid point, byte for byte.
        var r = proof.Span[..32].ToArray();
        var mu = Group.DeserializeScalar(ByteString.CopyFrom(proof.Span[32..]), $"DKG round 1 from {sender}: proof mu", sender);
        var encoded = package.Commitment.Select(c => c.ToByteArray()).ToArray();
        var c = CiphersuiteHashes.Hdkg(Group.SerializeIdentifier(sender), encoded[0], r);
        var expected = PublicPoint.MultiScalarMultiply(mu, [ScalarMath.Negate(c)], [points[0]]);
        if (Group.IsZero(mu) || expected.IsIdentity || !expected.Encode().AsSpan().SequenceEqual(r))
            throw new FrostException(FrostError.InvalidProofOfKnowledge,
                $"DKG round 1 from {sender}: the proof of knowledge of the secret coefficient does not verify; exclude this participant.", sender);
        return new CoefficientCommitments(encoded, points);
    }

    /// <summary>
    /// Part 3's check of one received share: f_j(i) * B == sum of i^k * phi_jk. The share is secret, so its
    /// multiple of B is libsodium's constant-time one; the right side is public.
    /// </summary>
    public static bool VerifyShare(ReadOnlySpan<byte> share, CoefficientCommitments senderCommitments, uint recipient)
    {
        if (Group.IsZero(share)) return false;
        var left = Group.ScalarBaseMult(share, "received share");
        return Group.ElementEquals(left, Polynomial.EvaluateInExponent(senderCommitments.Points, recipient).Encode());
    }

    /// <summary>Group commitments A_k = sum over all participants j of phi_jk; A_0 is the group public key.</summary>
    public static PublicPoint[] SumCommitments(IEnumerable<CoefficientCommitments> all, uint threshold)
    {
        PublicPoint[]? sum = null;
        foreach (var phi in all)
        {
            if (sum is null) { sum = phi.Points.ToArray(); continue; }
            for (var k = 0; k < threshold; k++) sum[k] = PublicPoint.Add(sum[k], phi.Points[k]);
        }
        return sum ?? throw new ArgumentException("no commitments", nameof(all));
    }
}

/// <summary>
/// One participant's coefficient commitments phi_0..phi_(t-1): as broadcast (to compare byte for byte) and as
/// validated points for the variable-time arithmetic.
/// </summary>
internal sealed record CoefficientCommitments(byte[][] Encoded, PublicPoint[] Points)
{
    /// <summary>This participant's own commitments, computed here with libsodium: decoded without the subgroup check.</summary>
    public static CoefficientCommitments Own(IEnumerable<ByteString> commitments)
    {
        var encoded = commitments.Select(c => c.ToByteArray()).ToArray();
        return new CoefficientCommitments(encoded, encoded.Select(e => Group.DecodeElement(ByteString.CopyFrom(e), "own DKG commitment", trusted: true)).ToArray());
    }
}
