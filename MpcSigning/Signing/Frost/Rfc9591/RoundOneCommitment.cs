using MpcSigning.Crypto;
using MpcSigning.Proto.Frost;

namespace MpcSigning.Signing.Frost;

/// <summary>
/// RFC 9591 section 5.1 round-one state of one signer: the hiding and binding nonces (in guarded memory,
/// hiding at 0..31, binding at 32..63) and their public commitments. Used once: <see cref="SigningNonces.Take"/>
/// hands the secret over exactly one time.
/// </summary>
internal sealed class SigningNonces : IDisposable
{
    private SecretBytes? _secret;

    private readonly SigningCommitments _commitments;

    private SigningNonces(SecretBytes secret, SigningCommitments commitments)
    {
        _secret = secret;
        _commitments = commitments;
    }

    /// <summary>
    /// A fresh copy each time: protobuf messages are mutable, and the copy handed out must not be able to
    /// change what <see cref="Matches"/> compares against.
    /// </summary>
    public SigningCommitments Commitments => _commitments.Clone();

    /// <summary>True when a signing package's entry carries exactly these commitments.</summary>
    public bool Matches(Commitment entry) =>
        entry.Identifier == _commitments.Identifier &&
        entry.Hiding.AsSpan().SequenceEqual(_commitments.Hiding.Span) &&
        entry.Binding.AsSpan().SequenceEqual(_commitments.Binding.Span);

    /// <summary>
    /// commit(sk_i): d = nonce_generate(sk_i), e = nonce_generate(sk_i), D = d*B, E = e*B.
    /// The randomness arguments exist for the published vectors only; production passes null.
    /// </summary>
    public static SigningNonces Commit(uint identifier, SecretBytes share, byte[]? hidingRandom = null, byte[]? bindingRandom = null)
    {
        var secret = SecretBytes.Allocate(2 * Group.ScalarSize);
        try
        {
            var hiding = secret.Span[..32];
            var binding = secret.Span[32..];
            if (hidingRandom is null) NonceGeneration.Generate(hiding, share); else NonceGeneration.Generate(hiding, hidingRandom, share);
            if (bindingRandom is null) NonceGeneration.Generate(binding, share); else NonceGeneration.Generate(binding, bindingRandom, share);
            var commitments = new SigningCommitments
            {
                Identifier = identifier,
                Hiding = Google.Protobuf.ByteString.CopyFrom(Group.ScalarBaseMult(secret.ReadOnlySpan[..32], "hiding nonce")),
                Binding = Google.Protobuf.ByteString.CopyFrom(Group.ScalarBaseMult(secret.ReadOnlySpan[32..], "binding nonce")),
            };
            return new SigningNonces(secret, commitments);
        }
        catch
        {
            secret.Dispose();
            throw;
        }
    }

    /// <summary>The nonces, once: afterwards this object is empty, so no second signature can reuse them.</summary>
    public SecretBytes Take() =>
        Interlocked.Exchange(ref _secret, null)
        ?? throw new FrostException(FrostError.WrongState, "these nonces were already used; run Commit again for a new signature.");

    public void Dispose() => Interlocked.Exchange(ref _secret, null)?.Dispose();

    public override string ToString() => "<redacted>";
}
