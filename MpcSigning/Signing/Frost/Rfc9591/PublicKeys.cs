using Google.Protobuf;
using MpcSigning.Proto.Frost;

namespace MpcSigning.Signing.Frost;

/// <summary>A validated <see cref="PublicKeyPackage"/>: threshold, group key and every verifying share.</summary>
internal sealed record PublicKeys(uint MinSigners, uint MaxSigners, byte[] GroupPublicKey, IReadOnlyDictionary<uint, byte[]> VerifyingShares)
{
    /// <summary>
    /// Validates the package. With <paramref name="validateShares"/> false the verifying shares are kept as
    /// received and must pass <see cref="VerifyingShare"/> before use: the aggregator needs them only to blame
    /// a signer, and validating n points on every signature cost more than the signature.
    /// </summary>
    public static PublicKeys Decode(PublicKeyPackage package, bool validateShares = true)
    {
        FrostParameters.Check(package.MinSigners, package.MaxSigners);
        if (package.VerifyingShares.Count != package.MaxSigners || package.VerifyingShares.ContainsKey(0))
            throw new FrostException(FrostError.InvalidParameters,
                $"public key package: expected {package.MaxSigners} verifying shares with non-zero identifiers, got {package.VerifyingShares.Count}.");
        var group = Group.DeserializeElement(package.GroupPublicKey, "public key package: group public key");
        var shares = package.VerifyingShares.ToDictionary(
            kv => kv.Key, kv => validateShares ? Group.DeserializeElement(kv.Value, ShareWhat(kv.Key), kv.Key) : kv.Value.ToByteArray());
        return new PublicKeys(package.MinSigners, package.MaxSigners, group, shares);
    }

    /// <summary>A verifying share, validated now (for packages decoded without validating shares).</summary>
    public byte[] VerifyingShare(uint identifier) =>
        Group.DeserializeElement(Google.Protobuf.ByteString.CopyFrom(VerifyingShares[identifier]), ShareWhat(identifier), identifier);

    private static string ShareWhat(uint identifier) => $"public key package: verifying share of {identifier}";

    public PublicKeyPackage Encode()
    {
        var package = new PublicKeyPackage { MinSigners = MinSigners, MaxSigners = MaxSigners, GroupPublicKey = ByteString.CopyFrom(GroupPublicKey) };
        foreach (var (id, share) in VerifyingShares.OrderBy(kv => kv.Key)) package.VerifyingShares.Add(id, ByteString.CopyFrom(share));
        return package;
    }
}

/// <summary>
/// A public key package checked once: threshold parameters, one verifying share per participant, and the group
/// public key a valid prime-order element. The coordinator makes it when the DKG completes and aggregates every
/// signature under it without checking the group key again; verifying shares are checked only when a share must
/// be verified to blame a signer.
/// </summary>
public sealed class FrostPublicKeys
{
    private FrostPublicKeys(PublicKeys keys) => Keys = keys;

    internal PublicKeys Keys { get; }

    /// <summary>Checks <paramref name="package"/>; throws a <see cref="FrostException"/> saying what is wrong.</summary>
    public static FrostPublicKeys Validate(PublicKeyPackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        return new FrostPublicKeys(PublicKeys.Decode(package, validateShares: false));
    }

    /// <summary>The group public key: the 32-byte Ed25519 public key the signatures verify under.</summary>
    public byte[] GroupPublicKey => Keys.GroupPublicKey.ToArray();
}

/// <summary>Threshold parameter checks shared by key generation, signing and evidence.</summary>
internal static class FrostParameters
{
    /// <summary>Upper bound on n: DKG work grows with n squared, so a hostile configuration cannot stall a node.</summary>
    public const uint MaxParticipants = 1024;

    /// <summary>
    /// 2 &lt;= t &lt;= n &lt;= <see cref="MaxParticipants"/>. RFC 9591 section 5 requires
    /// MIN_PARTICIPANTS &lt;= MAX_PARTICIPANTS; t = 1 would let every participant sign alone, which defeats the point.
    /// </summary>
    public static void Check(uint t, uint n)
    {
        if (t < 2 || t > n || n > MaxParticipants)
            throw new FrostException(FrostError.InvalidParameters,
                $"threshold {t}-of-{n} is invalid: need 2 <= t <= n <= {MaxParticipants}.");
    }
}
