using FsCheck;
using FsCheck.Fluent;
using MpcSigning.Attestation;
using MpcSigning.Attestation.Verification;

namespace MpcSigning.Tests.Attestation;

/// <summary>The parser and verifier never throw and never accept random or mutated input.</summary>
public class PropertyTests
{
    private static readonly VerifiedChainCache Cache = new();

    private static bool NeverAccepts(byte[] bytes)
    {
        var s = SnpSample.Virtee;
        var v = AttestationVerifier.Verify(bytes, s.Certificates, AttestationPolicy.Strict, s.ReportData, SnpSample.At, Cache);
        return !v.Ok && v.Code != AttestationError.None && v.Message.Length > 0;
    }

    [FsCheck.NUnit.Property(MaxTest = 200)]
    public bool Verify_RandomBytes_NeverAccepts(byte[] bytes) => NeverAccepts(bytes);

    [FsCheck.NUnit.Property(MaxTest = 200)]
    public bool Verify_RandomFullLengthReport_NeverAccepts(NonEmptyArray<byte> seed)
    {
        var bytes = new byte[0x4A0];
        for (var i = 0; i < bytes.Length; i++) bytes[i] = seed.Get[i % seed.Get.Length];
        bytes[0] = 2; bytes[0x34] = 1; // pass the version and algorithm gates to reach deeper checks
        return NeverAccepts(bytes);
    }

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public bool Verify_SampleWithRandomByteChanged_NeverAccepts(PositiveInt position, byte xor)
    {
        var bytes = SnpSample.Virtee.Report;
        var at = position.Get % 0x4A0;
        bytes[at] ^= xor == 0 ? (byte)1 : xor;
        return NeverAccepts(bytes);
    }

    [FsCheck.NUnit.Property(MaxTest = 100)]
    public bool Verify_SampleWithRandomCertificateBytes_NeverAccepts(byte[] der)
    {
        var s = SnpSample.Virtee;
        var v = AttestationVerifier.Verify(s.Report, new AttestationCertificates(der), AttestationPolicy.Strict, s.ReportData, SnpSample.At);
        return !v.Ok;
    }

    [FsCheck.NUnit.Property(MaxTest = 100)]
    public bool Verify_SampleWithVcekByteChanged_NeverAccepts(PositiveInt position)
    {
        var s = SnpSample.Virtee;
        var der = s.VcekDer;
        der[position.Get % der.Length] ^= 0x01;
        var v = AttestationVerifier.Verify(s.Report, new AttestationCertificates(der), AttestationPolicy.Strict, s.ReportData, SnpSample.At);
        return !v.Ok;
    }
}
