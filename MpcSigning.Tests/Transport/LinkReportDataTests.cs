using MpcSigning.Transport;
using MpcSigning.Transport.Handshake;

namespace MpcSigning.Tests.Transport;

/// <summary>Every input of REPORT_DATA changes it: that is what makes each attack's report fail to verify.</summary>
public class LinkReportDataTests
{
    private static readonly byte[] Ni = Enumerable.Repeat((byte)1, 32).ToArray(), Nr = Enumerable.Repeat((byte)2, 32).ToArray();

    private static LinkReportData.Connection Connection() => new(
        Enumerable.Repeat((byte)3, 32).ToArray(), Enumerable.Repeat((byte)4, 32).ToArray(), Enumerable.Repeat((byte)5, 48).ToArray(),
        new LinkIdentity("coordinator-1", ["coordinator"], "akka.tcp://mpcsign@10.0.0.1:4053"),
        new LinkIdentity("signer-1", ["signer"], "akka.tcp://mpcsign@10.0.0.2:4053"));

    private static byte[] Base() => LinkReportData.Handshake(LinkRole.Initiator, Ni, Nr, Connection());

    public static IEnumerable<TestCaseData> Mutations()
    {
        var c = Connection();
        TestCaseData Case(string name, Func<byte[]> f) => new TestCaseData(f).SetName($"ReportData_{name}_Differs");
        yield return Case("OtherRole", () => LinkReportData.Handshake(LinkRole.Responder, Ni, Nr, c));
        yield return Case("OtherInitiatorNonce", () => LinkReportData.Handshake(LinkRole.Initiator, Nr, Nr, c));
        yield return Case("OtherResponderNonce", () => LinkReportData.Handshake(LinkRole.Initiator, Ni, Ni, c));
        yield return Case("NoncesSwapped", () => LinkReportData.Handshake(LinkRole.Initiator, Nr, Ni, c));
        yield return Case("OtherInitiatorSpki", () => LinkReportData.Handshake(LinkRole.Initiator, Ni, Nr, c with { InitiatorSpkiSha256 = new byte[32] }));
        yield return Case("OtherResponderSpki", () => LinkReportData.Handshake(LinkRole.Initiator, Ni, Nr, c with { ResponderSpkiSha256 = new byte[32] }));
        yield return Case("OtherChannelBinding", () => LinkReportData.Handshake(LinkRole.Initiator, Ni, Nr, c with { ChannelBinding = new byte[48] }));
        yield return Case("OtherNodeName", () => LinkReportData.Handshake(LinkRole.Initiator, Ni, Nr, c with { Initiator = c.Initiator with { NodeName = "coordinator-2" } }));
        yield return Case("OtherRoles", () => LinkReportData.Handshake(LinkRole.Initiator, Ni, Nr, c with { Responder = c.Responder with { Roles = ["ca"] } }));
        yield return Case("OtherAddress", () => LinkReportData.Handshake(LinkRole.Initiator, Ni, Nr, c with { Responder = c.Responder with { Address = "akka.tcp://mpcsign@10.0.0.3:4053" } }));
        yield return Case("IdentitiesSwapped", () => LinkReportData.Handshake(LinkRole.Initiator, Ni, Nr, c with { Initiator = c.Responder, Responder = c.Initiator }));
        yield return Case("NameAndRoleBoundaryMoved", () => LinkReportData.Handshake(LinkRole.Initiator, Ni, Nr,
            c with { Initiator = new LinkIdentity("coordinator-1coordinator", [], c.Initiator.Address) }));
        yield return Case("ReattestationForTheSameNonce", () => LinkReportData.Reattest(LinkRole.Initiator, Ni, c));
    }

    [TestCaseSource(nameof(Mutations))]
    public void ReportData_Mutated_Differs(Func<byte[]> mutated) => Assert.That(mutated(), Is.Not.EqualTo(Base()));

    [Test]
    public void ReportData_SameInputs_IsTheSame64BytesOnBothEnds()
    {
        Assert.That(Base(), Has.Length.EqualTo(64));
        Assert.That(LinkReportData.Handshake(LinkRole.Initiator, Ni, Nr, Connection()), Is.EqualTo(Base()));
    }

    [Test]
    public void ReportData_ShortNonce_IsRefused() =>
        Assert.Throws<ArgumentException>(() => LinkReportData.Handshake(LinkRole.Initiator, new byte[16], Nr, Connection()));
}
