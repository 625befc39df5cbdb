using Google.Protobuf;
using MpcSigning.Attestation;
using MpcSigning.Proto.Transport;
using MpcSigning.Transport.Handshake;

namespace MpcSigning.Transport;

/// <summary>
/// Re-attestation over the live link: every <see cref="LinkOptions.ReattestInterval"/> each side sends a fresh nonce and
/// the other answers with a report whose REPORT_DATA binds that nonce to this very connection (same SPKIs, channel
/// binding and identities as the handshake, another domain label). No answer within the handshake timeout, or an answer
/// that does not verify, cuts the link and is reported as <see cref="PeerAttestationFailed"/>. One challenge in flight
/// each way; a second one before the first is answered is a protocol violation.
/// </summary>
internal sealed partial class AttestedLink
{
    private sealed class Challenge(byte[] nonce)
    {
        public byte[] Nonce { get; } = nonce;

        public TaskCompletionSource<bool> Answered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private volatile Challenge? _pending;
    private int _answering;

    private LinkRole PeerRole => _session.Role == LinkRole.Initiator ? LinkRole.Responder : LinkRole.Initiator;

    private async Task ReattestLoopAsync()
    {
        var options = _ctx.Options;
        var token = _cts.Token;
        try
        {
            while (true)
            {
                await Task.Delay(options.ReattestInterval, _ctx.Clock, token);
                var challenge = new Challenge(LinkHandshake.Nonce());
                _pending = challenge;
                WriteControl(new LinkControl { Challenge = new ReattestChallenge { Nonce = ByteString.CopyFrom(challenge.Nonce) } });
                var timeout = Task.Delay(options.HandshakeTimeout, _ctx.Clock, token);
                if (await Task.WhenAny(challenge.Answered.Task, timeout) != challenge.Answered.Task)
                {
                    token.ThrowIfCancellationRequested();
                    Fail(new LinkRefusedException(LinkError.Timeout,
                        $"the peer did not answer a re-attestation within {options.HandshakeTimeout.TotalSeconds:0.###} s"));
                    return;
                }
                if (!await challenge.Answered.Task) return;
            }
        }
        catch (OperationCanceledException)
        {
            // The link closed.
        }
    }

    private void OnChallenge(ReattestChallenge challenge)
    {
        if (challenge.Nonce.Length != LinkReportData.NonceSize)
            throw new LinkRefusedException(LinkError.ProtocolViolation, $"the peer's re-attestation nonce is {challenge.Nonce.Length} bytes, not {LinkReportData.NonceSize}");
        if (Interlocked.Exchange(ref _answering, 1) != 0)
            throw new LinkRefusedException(LinkError.ProtocolViolation, "the peer challenged again before this node answered its previous re-attestation challenge");
        var nonce = challenge.Nonce;
        _ = Task.Run(async () =>
        {
            try
            {
                var evidence = await _ctx.EvidenceAsync(LinkReportData.Reattest(_session.Role, nonce.Span, _session.Connection), _cts.Token);
                Volatile.Write(ref _answering, 0);
                WriteControl(new LinkControl { Response = new ReattestResponse { Nonce = nonce, Evidence = evidence.ToProto() } });
            }
            catch (LinkRefusedException e)
            {
                Close("could not answer the peer's re-attestation: " + e.Message);
            }
            catch (OperationCanceledException)
            {
                // The link closed.
            }
        });
    }

    private void OnResponse(ReattestResponse response)
    {
        var challenge = _pending;
        if (challenge is null || !response.Nonce.Span.SequenceEqual(challenge.Nonce))
            throw new LinkRefusedException(LinkError.ProtocolViolation, "the peer sent a re-attestation answer for no open challenge of this node");
        _pending = null;
        try
        {
            _peerReportDigest = _ctx.Verify(response.Evidence, LinkReportData.Reattest(PeerRole, challenge.Nonce, _session.Connection), "re-attestation report");
            _events.Reattested(this);
            challenge.Answered.TrySetResult(true);
        }
        catch (LinkRefusedException e)
        {
            challenge.Answered.TrySetResult(false);
            Fail(e);
        }
    }

    private void Fail(LinkRefusedException e)
    {
        if (IsClosed) return;
        _events.ReattestFailed(this, e);
        Close($"re-attestation failed ({e.Code}): {e.Message}");
    }
}
