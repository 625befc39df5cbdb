using Google.Protobuf;
using MpcSigning.Proto.Frost;

namespace MpcSigning.Signing.Frost;

/// <summary>A validated <see cref="PublicKeyPackage"/>: threshold, group key and every verifying share.</summary>
internal sealed record PublicKeys(uint MinSigners, uint MaxSigners, byte[] GroupPublicKey, IReadOnlyDictionary<uint, byte[]> VerifyingShares)
{
    public static PublicKeys Decode(PublicKeyPackage package)
    {
        FrostParameters.Check(package.MinSigners, package.MaxSigners);
        if (package.VerifyingShares.Count != package.MaxSigners || package.VerifyingShares.ContainsKey(0))
            throw new FrostException(FrostError.InvalidParameters,
                $"public key package: expected {package.MaxSigners} verifying shares with non-zero identifiers, got {package.VerifyingShares.Count}.");
        var group = Group.DeserializeElement(package.GroupPublicKey, "public key package: group public key");
        var shares = package.VerifyingShares.ToDictionary(
            kv => kv.Key, kv => Group.DeserializeElement(kv.Value, $"public key package: verifying share of {kv.Key}", kv.Key));
        return new PublicKeys(package.MinSigners, package.MaxSigners, group, shares);
    }

    public PublicKeyPackage Encode()
    {
        var package = new PublicKeyPackage { MinSigners = MinSigners, MaxSigners = MaxSigners, GroupPublicKey = ByteString.CopyFrom(GroupPublicKey) };
        foreach (var (id, share) in VerifyingShares.OrderBy(kv => kv.Key)) package.VerifyingShares.Add(id, ByteString.CopyFrom(share));
        return package;
    }
}

/// <summary>Threshold parameter checks shared by key generation, signing and evidence.</summary>
internal static class FrostParameters
{
    /// <summary>Upper bound on n: keeps DKG work bounded; far above any deployment.</summary>
    public const uint MaxParticipants = 255 * 4;

    /// <summary>RFC 9591 section 2 needs 1 &lt; MIN_PARTICIPANTS &lt;= MAX_PARTICIPANTS... here 2 &lt;= t &lt;= n.</summary>
    public static void Check(uint t, uint n)
    {
        if (t < 2 || t > n || n > MaxParticipants)
            throw new FrostException(FrostError.InvalidParameters,
                $"threshold {t}-of-{n} is invalid: need 2 <= t <= n <= {MaxParticipants}.");
    }
}
