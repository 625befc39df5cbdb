using MpcSigning.Crypto;

namespace MpcSigning.AuthN;

// Temporary (lead): replaced by the AuthN branch's version at merge.
public static class ApprovalChallenge
{
    public static byte[] Derive(ReadOnlySpan<byte> sessionId, ReadOnlySpan<byte> artifactDigest)
    {
        var label = "mpcsign/approval/v1"u8;
        var buf = new byte[label.Length + 1 + sessionId.Length + artifactDigest.Length];
        label.CopyTo(buf);
        sessionId.CopyTo(buf.AsSpan(label.Length + 1));
        artifactDigest.CopyTo(buf.AsSpan(label.Length + 1 + sessionId.Length));
        return Hashes.Sha256(buf);
    }
}
