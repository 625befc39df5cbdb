using System.Buffers.Binary;
using MpcSigning.Attestation;
using MpcSigning.Attestation.Report;

namespace MpcSigning.Tests.Attestation;

/// <summary>Negative cases as data: each names the mutation it applies and the error it must produce.</summary>
public class MalformedReportTests
{
    public sealed record Mutation(string Name, Func<byte[], byte[]> Apply, AttestationError Expected, string MessagePart)
    {
        public override string ToString() => Name;
    }

    private static byte[] Set(byte[] b, int at, byte v) { b[at] = v; return b; }
    private static byte[] SetU32(byte[] b, int at, uint v) { BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), v); return b; }

    public static IEnumerable<Mutation> Mutations =>
    [
        new("truncated", b => b[..0x49F], AttestationError.ReportLength, "1183 bytes"),
        new("trailing-garbage", b => [.. b, 0], AttestationError.ReportLength, "exactly 1184"),
        new("empty", _ => [], AttestationError.ReportLength, "0 bytes"),
        new("version-6", b => SetU32(b, 0, 6), AttestationError.ReportUnknownVersion, "VERSION is 6"),
        new("v4-mit-vector-set", b => Set(SetU32(b, 0, 4), 0x1F8, 1), AttestationError.ReportReservedNonZero, "byte 0x1F8"),
        new("version-1", b => SetU32(b, 0, 1), AttestationError.ReportUnknownVersion, "VERSION is 1"),
        new("sig-algo-2", b => SetU32(b, 0x34, 2), AttestationError.ReportSignatureAlgorithm, "SIGNATURE_ALGO"),
        new("signer-info-reserved-bit", b => SetU32(b, 0x48, 0x20), AttestationError.ReportReservedNonZero, "SIGNER_INFO"),
        new("signing-key-3", b => SetU32(b, 0x48, 3 << 2), AttestationError.ReportSigningKeyUnknown, "SIGNING_KEY"),
        new("reserved-04c", b => Set(b, 0x4D, 1), AttestationError.ReportReservedNonZero, "byte 0x04D"),
        new("v2-cpuid-byte-set", b => Set(b, 0x188, 0x19), AttestationError.ReportReservedNonZero, "byte 0x188"),
        new("reserved-1eb", b => Set(b, 0x1EB, 1), AttestationError.ReportReservedNonZero, "byte 0x1EB"),
        new("v2-mit-vector-set", b => Set(b, 0x1F8, 1), AttestationError.ReportReservedNonZero, "byte 0x1F8"),
        new("reserved-before-signature", b => Set(b, 0x29F, 1), AttestationError.ReportReservedNonZero, "byte 0x29F"),
        new("signature-tail", b => Set(b, 0x49F, 1), AttestationError.ReportReservedNonZero, "byte 0x49F"),
    ];

    [TestCaseSource(nameof(Mutations))]
    public void TryParse_MutatedSample_FailsWithSpecificError(Mutation m)
    {
        var ok = AttestationReport.TryParse(m.Apply(SnpSample.Virtee.Report), out var report, out var code, out var message);
        Assert.That(ok, Is.False);
        Assert.That(report, Is.Null);
        Assert.That(code, Is.EqualTo(m.Expected));
        Assert.That(message, Does.Contain(m.MessagePart));
    }

    [Test]
    public void Parse_MalformedReport_ThrowsAttestationExceptionWithCode()
    {
        var e = Assert.Throws<AttestationException>(() => AttestationReport.Parse(new byte[10]));
        Assert.That(e!.Code, Is.EqualTo(AttestationError.ReportLength));
    }
}
