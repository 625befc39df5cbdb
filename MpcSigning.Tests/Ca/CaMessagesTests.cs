using Google.Protobuf;
using MpcSigning.Ca;
using MpcSigning.Ca.File;
using MpcSigning.Proto.Ca;

namespace MpcSigning.Tests.Ca;

public class CaMessagesTests
{
    [Test]
    public void CertifySessionKey_ThroughBytesAndBack_GivesTheSameRequest()
    {
        var request = TestRequests.ForFreshKey();
        var bytes = CaMessages.ToMessage(request).ToByteArray();
        var back = CaMessages.ToRequest(CertifySessionKey.Parser.ParseFrom(bytes));
        Assert.That(back.Ed25519PublicKey, Is.EqualTo(request.Ed25519PublicKey));
        Assert.That(back.SessionId, Is.EqualTo(request.SessionId));
        Assert.That(back.ArtifactDigest, Is.EqualTo(request.ArtifactDigest));
        Assert.That(back.EnclaveMeasurement, Is.EqualTo(request.EnclaveMeasurement));
        Assert.That(back.Approvers, Is.EqualTo(request.Approvers));
        Assert.That(back.Lifetime, Is.EqualTo(request.Lifetime));
    }

    [Test]
    public void SessionKeyCertified_ThroughBytes_RoundTrips()
    {
        var m = new SessionKeyCertified { SessionId = Google.Protobuf.ByteString.CopyFrom(1, 2), CertificateDer = Google.Protobuf.ByteString.CopyFrom(3) };
        Assert.That(SessionKeyCertified.Parser.ParseFrom(m.ToByteArray()), Is.EqualTo(m));
    }

    [Test]
    public void Handle_ValidRequest_RepliesWithCertificate()
    {
        using var dir = new TempDir();
        using var ca = FileCertificateAuthority.LoadOrCreate(dir.Path, new CaOptions());
        var reply = CaMessages.Handle(ca, CaMessages.ToMessage(TestRequests.ForFreshKey()), DateTimeOffset.UtcNow);
        Assert.That(reply, Is.TypeOf<SessionKeyCertified>());
        Assert.That(((SessionKeyCertified)reply).SessionId.ToByteArray(), Is.EqualTo(TestRequests.SessionId));
    }

    [Test]
    public void Handle_UnspecifiedRole_RepliesRefusedWithWireCode()
    {
        using var dir = new TempDir();
        using var ca = FileCertificateAuthority.LoadOrCreate(dir.Path, new CaOptions());
        var message = CaMessages.ToMessage(TestRequests.ForFreshKey());
        message.Approvers[0].Role = Proto.AuthN.Role.Unspecified;
        var reply = CaMessages.Handle(ca, message, DateTimeOffset.UtcNow);
        Assert.That(reply, Is.TypeOf<SessionKeyRefused>());
        Assert.That(((SessionKeyRefused)reply).Error.Code, Is.EqualTo("ca.invalid_approvers"));
    }

    [Test]
    public void Handle_LifetimeOverTenMinutes_RepliesRefused()
    {
        using var dir = new TempDir();
        using var ca = FileCertificateAuthority.LoadOrCreate(dir.Path, new CaOptions());
        var message = CaMessages.ToMessage(TestRequests.ForFreshKey());
        message.LifetimeSeconds = 601;
        var reply = (SessionKeyRefused)CaMessages.Handle(ca, message, DateTimeOffset.UtcNow);
        Assert.That(reply.Error.Code, Is.EqualTo("ca.invalid_lifetime"));
    }
}
