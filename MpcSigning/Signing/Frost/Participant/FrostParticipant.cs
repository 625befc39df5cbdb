using MpcSigning.Crypto;
using MpcSigning.Proto.Frost;

namespace MpcSigning.Signing.Frost;

/// <summary>
/// One signer in one session: a state machine whose every step maps to one wire message.
/// Key generation: <see cref="DkgPart1"/> (broadcast), <see cref="DkgPart2"/> (one package per peer, over
/// attested links only), <see cref="DkgPart3"/> (the public key package). Signing: <see cref="Commit"/>
/// (round one) then <see cref="Sign"/> (round two), repeatable, each Sign consuming the nonces of the
/// Commit before it. The share, the polynomial and the nonces live in guarded memory and are wiped by
/// <see cref="Dispose"/>; nothing is ever persisted. Not thread-safe: an actor owns it.
/// </summary>
public sealed partial class FrostParticipant : IDisposable
{
    private enum State { New, Round1Sent, Round2Sent, Ready, Disposed }

    private State _state = State.New;
    private SecretBytes? _coefficients;
    private SecretBytes? _ownShare;
    private SecretBytes? _signingShare;
    private SigningNonces? _nonces;
    private CoefficientCommitments? _ownCommitments;
    private Dictionary<uint, CoefficientCommitments>? _peerCommitments;
    private PublicKeys? _keys;

    /// <summary>A participant for a t-of-n key generation; identifiers are non-zero and unique in the session.</summary>
    public FrostParticipant(uint identifier, int minSigners, int maxSigners)
    {
        if (identifier == 0)
            throw new FrostException(FrostError.InvalidParameters, "participant identifier 0 is invalid; identifiers start at 1 (RFC 9591 section 4.1).");
        if (minSigners < 0 || maxSigners < 0) throw new FrostException(FrostError.InvalidParameters, "t and n must be positive.");
        FrostParameters.Check((uint)minSigners, (uint)maxSigners);
        Identifier = identifier;
        MinSigners = (uint)minSigners;
        MaxSigners = (uint)maxSigners;
    }

    public uint Identifier { get; }

    public uint MinSigners { get; }

    public uint MaxSigners { get; }

    /// <summary>The public key package once key generation has finished, otherwise null.</summary>
    public PublicKeyPackage? PublicKeyPackage => _keys?.Encode();

    /// <summary>Wipes the polynomial, the share and any unused nonces, whatever state the session is in.</summary>
    public void Dispose()
    {
        _state = State.Disposed;
        _coefficients?.Dispose();
        _ownShare?.Dispose();
        _signingShare?.Dispose();
        _nonces?.Dispose();
        _coefficients = _ownShare = _signingShare = null;
        _nonces = null;
    }

    public override string ToString() => $"FrostParticipant({Identifier}, {MinSigners}-of-{MaxSigners}, {_state})";

    /// <summary>
    /// TESTS ONLY: a participant holding a share from <see cref="TrustedDealer"/> instead of running the DKG.
    /// Takes ownership of <paramref name="share"/>.
    /// </summary>
    internal static FrostParticipant FromDealerShare(uint identifier, SecretBytes share, PublicKeyPackage keys)
    {
        var p = new FrostParticipant(identifier, (int)keys.MinSigners, (int)keys.MaxSigners)
        {
            _signingShare = share,
            _keys = PublicKeys.Decode(keys),
            _state = State.Ready,
        };
        return p;
    }

    private void Expect(State expected, string step)
    {
        if (_state != expected)
            throw new FrostException(FrostError.WrongState,
                $"participant {Identifier}: {step} needs state {expected} but the participant is {_state}; follow DKG parts 1-3, then Commit, then Sign.");
    }
}
