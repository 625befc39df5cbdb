using MpcSigning.Crypto;
using MpcSigning.Proto.Policy;

namespace MpcSigning.Policy;

/// <summary>
/// digest = SHA-256("mpcsign/trust-policy/v1" || 0x00 || canonical JSON). The label keeps a policy digest from ever
/// equalling another mpcsign hash; the fingerprint is its lower-case hex, what an operator prints and a verifier pins.
/// </summary>
public static class PolicyDigest
{
    public static ReadOnlySpan<byte> Label => "mpcsign/trust-policy/v1"u8;

    public static byte[] Of(TrustPolicy policy)
    {
        var json = PolicyJson.WritePolicy(policy);
        var input = new byte[Label.Length + 1 + json.Length];
        Label.CopyTo(input);
        json.CopyTo(input, Label.Length + 1);
        return Hashes.Sha256(input);
    }

    public static string Fingerprint(TrustPolicy policy) => Convert.ToHexStringLower(Of(policy));
}
