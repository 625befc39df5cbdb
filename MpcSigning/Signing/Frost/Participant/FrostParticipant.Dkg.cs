using Google.Protobuf;
using MpcSigning.Crypto;
using MpcSigning.Interop;
using MpcSigning.Proto.Frost;

namespace MpcSigning.Signing.Frost;

public sealed partial class FrostParticipant
{
    /// <summary>DKG part 1: a fresh random polynomial of degree t-1, its commitments and proof of knowledge (broadcast).</summary>
    public Round1Package DkgPart1() => DkgPart1Core(null);

    /// <summary>DKG part 1 with given coefficients, for the published DKG vectors only. Takes ownership.</summary>
    internal Round1Package DkgPart1Core(SecretBytes? coefficients)
    {
        Expect(State.New, "DKG part 1");
        _coefficients = coefficients ?? RandomCoefficients(MinSigners);
        var package = KeyGeneration.Part1(Identifier, _coefficients);
        _ownCommitments = CoefficientCommitments.Own(package.Commitment);
        _state = State.Round1Sent;
        return package;
    }

    /// <summary>
    /// DKG part 2: verifies every peer's round-1 package (exactly the n-1 others), then evaluates the polynomial
    /// for each peer. Each returned package is secret and goes only to its recipient over an attested link.
    /// The polynomial is wiped afterwards; only f_i(i) is kept for part 3.
    /// </summary>
    public IReadOnlyDictionary<uint, Round2Package> DkgPart2(IReadOnlyList<Round1Package> others)
    {
        ArgumentNullException.ThrowIfNull(others);
        Expect(State.Round1Sent, "DKG part 2");
        CheckPeers(others.Select(p => p.Sender), "DKG round 1");
        var verified = others.ToDictionary(p => p.Sender, p => KeyGeneration.VerifyRound1(p, MinSigners));

        var packages = new Dictionary<uint, Round2Package>();
        var share = SecretBytes.Allocate(Group.ScalarSize);
        try
        {
            foreach (var peer in verified.Keys.Order())
            {
                Polynomial.Evaluate(share.Span, _coefficients!.ReadOnlySpan, peer);
                packages[peer] = new Round2Package { Sender = Identifier, Recipient = peer, SigningShare = ByteString.CopyFrom(share.ReadOnlySpan) };
            }
            _ownShare = SecretBytes.Allocate(Group.ScalarSize);
            Polynomial.Evaluate(_ownShare.Span, _coefficients!.ReadOnlySpan, Identifier);
        }
        finally
        {
            share.Dispose();
            _coefficients!.Dispose();
            _coefficients = null;
        }
        _peerCommitments = verified;
        _state = State.Round2Sent;
        return packages;
    }

    private static SecretBytes RandomCoefficients(uint count)
    {
        var coefficients = SecretBytes.Allocate((int)count * Group.ScalarSize);
        for (var k = 0; k < count; k++) Sodium.ScalarRandom(coefficients.Span.Slice(k * 32, 32));
        return coefficients;
    }

    /// <summary>Peers must be exactly the n-1 others: non-zero, distinct, never this participant.</summary>
    private void CheckPeers(IEnumerable<uint> senders, string what)
    {
        var seen = new HashSet<uint>();
        foreach (var s in senders)
        {
            if (s == 0 || s == Identifier || !seen.Add(s))
                throw new FrostException(FrostError.UnknownOrDuplicateIdentifier,
                    $"participant {Identifier}: {what} has a package from {s}, which is zero, this participant, or repeated.", s);
        }
        if (seen.Count != MaxSigners - 1)
            throw new FrostException(FrostError.UnknownOrDuplicateIdentifier,
                $"participant {Identifier}: {what} needs packages from the {MaxSigners - 1} other participants, got {seen.Count}.");
    }
}
