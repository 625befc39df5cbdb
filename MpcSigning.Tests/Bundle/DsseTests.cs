using System.Text;
using MpcSigning.Bundle.Dsse;

namespace MpcSigning.Tests.Bundle;

public class DsseTests
{
    // The example in DSSE protocol.md ("Pre-Authentication Encoding").
    [Test]
    public void Pae_SpecExample_MatchesPublishedEncoding() =>
        Assert.That(Encoding.UTF8.GetString(Dsse.Pae("http://example.com/HelloWorld", "hello world"u8)),
            Is.EqualTo("DSSEv1 29 http://example.com/HelloWorld 11 hello world"));

    [Test]
    public void Pae_EmptyTypeAndPayload_KeepsBothLengths() =>
        Assert.That(Encoding.UTF8.GetString(Dsse.Pae("", ReadOnlySpan<byte>.Empty)), Is.EqualTo("DSSEv1 0  0 "));

    [Test]
    public void Pae_NonAsciiType_CountsUtf8Bytes() =>
        Assert.That(Encoding.UTF8.GetString(Dsse.Pae("é", "x"u8)), Is.EqualTo("DSSEv1 2 é 1 x"));
}
