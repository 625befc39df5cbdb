using Google.Protobuf;
using MpcSigning.Crypto;
using MpcSigning.Interop;
using MpcSigning.Proto.Frost;

namespace MpcSigning.Signing.Frost;

/// <summary>
/// TESTS ONLY. RFC 9591 Appendix C trusted_dealer_keygen: one party knows the group secret and splits it.
/// mpcsign never does this in production (every session runs the DKG); it exists to replay the RFC's
/// vectors, whose shares come from a dealer, and to test signing without key generation.
/// </summary>
internal static class TrustedDealer
{
    /// <summary>
    /// Shamir-splits <paramref name="secret"/> for identifiers 1..n with the polynomial
    /// f(x) = secret + sum of coefficients[k-1] * x^k (random coefficients when null). Returns each
    /// participant's share, keyed by identifier, and the public key package.
    /// </summary>
    public static (Dictionary<uint, SecretBytes> Shares, PublicKeyPackage Keys) Split(
        ReadOnlySpan<byte> secret, int t, int n, IReadOnlyList<byte[]>? coefficients = null)
    {
        FrostParameters.Check((uint)t, (uint)n);
        using var polynomial = SecretBytes.Allocate(t * Group.ScalarSize);
        secret.CopyTo(polynomial.Span);
        for (var k = 1; k < t; k++)
        {
            var slot = polynomial.Span.Slice(k * 32, 32);
            if (coefficients is null) Sodium.ScalarRandom(slot); else coefficients[k - 1].CopyTo(slot);
        }
        var keys = new PublicKeyPackage
        {
            MinSigners = (uint)t,
            MaxSigners = (uint)n,
            GroupPublicKey = ByteString.CopyFrom(Group.ScalarBaseMult(secret, "group secret")),
        };
        var shares = new Dictionary<uint, SecretBytes>();
        for (uint id = 1; id <= n; id++)
        {
            var share = SecretBytes.Allocate(Group.ScalarSize);
            Polynomial.Evaluate(share.Span, polynomial.ReadOnlySpan, id);
            shares[id] = share;
            keys.VerifyingShares.Add(id, ByteString.CopyFrom(Group.ScalarBaseMult(share.ReadOnlySpan, "share")));
        }
        return (shares, keys);
    }
}
