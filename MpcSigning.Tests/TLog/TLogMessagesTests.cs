using Google.Protobuf;
using MpcSigning.Proto.TLog;
using MpcSigning.TLog;

namespace MpcSigning.Tests.TLog;

public class TLogMessagesTests
{
    [Test]
    public void AppendEntry_RoundTripThroughBytes_Unchanged()
    {
        var e = new LogAppend([1, 2, 3], "ab", "s-1", [9]);
        var back = TLogMessages.FromMessage(AppendEntry.Parser.ParseFrom(e.ToMessage("r1").ToByteArray()));
        Assert.That(back.CanonicalBody, Is.EqualTo(e.CanonicalBody));
        Assert.That((back.ArtifactDigestHex, back.SessionId), Is.EqualTo((e.ArtifactDigestHex, e.SessionId)));
        Assert.That(back.Attachment, Is.EqualTo(e.Attachment));
        Assert.That(back.IntegrateBefore, Is.Null, "no deadline stays none");
        var timed = e with { IntegrateBefore = 1_800_000_000 };
        Assert.That(TLogMessages.FromMessage(AppendEntry.Parser.ParseFrom(timed.ToMessage("r1").ToByteArray())).IntegrateBefore, Is.EqualTo(1_800_000_000));
    }

    [Test]
    public void EntryAppended_RoundTripThroughBytes_Unchanged()
    {
        var r = new LogReceipt(5, 1700000000, [7, 7], [8], new MpcSigning.TLog.InclusionProof(5, 6, new byte[32], [new byte[32], Enumerable.Repeat((byte)1, 32).ToArray()]), "cp\n");
        var back = TLogMessages.FromMessage(EntryAppended.Parser.ParseFrom(r.ToMessage("r2").ToByteArray()));
        Assert.That((back.LogIndex, back.IntegratedTime, back.SignedCheckpoint), Is.EqualTo((r.LogIndex, r.IntegratedTime, r.SignedCheckpoint)));
        Assert.That(back.InclusionProof.Hashes, Is.EqualTo(r.InclusionProof.Hashes));
        Assert.That(back.LogId, Is.EqualTo(r.LogId));
    }

    [Test]
    public void AppendFailed_RoundTripThroughBytes_Unchanged()
    {
        var m = new AppendFailed { RequestId = "r3", Code = nameof(TLogErrorCode.SessionAlreadyLogged), Message = "already" };
        Assert.That(AppendFailed.Parser.ParseFrom(m.ToByteArray()), Is.EqualTo(m));
    }
}
