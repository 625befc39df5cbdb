using MpcSigning.Crypto;

namespace MpcSigning.AuthN.WebAuthn;

/// <summary>
/// The WebAuthn challenge an approver signs for one signing session (ARCHITECTURE "The session", step 2).
/// <code>
/// challenge = SHA-256( "mpcsign/approval/v1" (19 ASCII bytes) || 0x00 || sessionId (16 bytes) || artifactDigest (32 bytes) )
/// </code>
/// All inputs have fixed lengths and the label ends at the 0x00 separator, so the encoding is injective:
/// two different (session, digest) pairs never hash the same input. Binding the session id makes an assertion
/// useless in any other session (no replay across sessions); binding the digest makes it an approval of
/// exactly this artifact. The "/v1" lets a future encoding coexist without ambiguity.
/// </summary>
public static class ApprovalChallenge
{
    public const int SessionIdBytes = 16;
    public const int ArtifactDigestBytes = 32;
    public const int ChallengeBytes = 32;

    /// <summary>Domain label; never reused for another purpose.</summary>
    public static ReadOnlySpan<byte> Label => "mpcsign/approval/v1"u8;

    /// <summary>Derives the 32-byte challenge. Precondition: 16-byte session id, 32-byte SHA-256 artifact digest.</summary>
    /// <exception cref="ArgumentException">A length is wrong (programmer misuse).</exception>
    public static byte[] Derive(ReadOnlySpan<byte> sessionId, ReadOnlySpan<byte> artifactDigest)
    {
        if (sessionId.Length != SessionIdBytes)
            throw new ArgumentException($"session id must be {SessionIdBytes} bytes, got {sessionId.Length}.", nameof(sessionId));
        if (artifactDigest.Length != ArtifactDigestBytes)
            throw new ArgumentException($"artifact digest must be a {ArtifactDigestBytes}-byte SHA-256, got {artifactDigest.Length} bytes.",
                nameof(artifactDigest));
        Span<byte> input = stackalloc byte[Label.Length + 1 + SessionIdBytes + ArtifactDigestBytes];
        Label.CopyTo(input);
        input[Label.Length] = 0x00;
        sessionId.CopyTo(input[(Label.Length + 1)..]);
        artifactDigest.CopyTo(input[(Label.Length + 1 + SessionIdBytes)..]);
        return Hashes.Sha256(input);
    }
}
