using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MpcSigning.Attestation.Report;
using MpcSigning.Crypto;

namespace MpcSigning.Attestation.Providers.Simulated;

/// <summary>
/// Creates the simulated AMD hierarchy once: ARK and ASK (RSA-4096, RSASSA-PSS SHA-384 like AMD's), and a
/// VCEK (ECDSA P-384) carrying AMD's extensions for the simulated chip and TCB. Only the VCEK key is kept
/// (0600); the ARK/ASK keys are discarded after issuing, so nobody can mint more simulated VCEKs later.
/// </summary>
internal static class SimulatedAuthority
{
    public const SevProduct Product = SevProduct.Genoa;

    /// <summary>The simulated TCB; ucode 213 needs a two-byte DER INTEGER, like real SPLs above 127.</summary>
    public static readonly TcbParts Tcb = new(BootLoader: 9, Tee: 0, Snp: 22, Microcode: 213);

    private const string Names = "OU=mpcsign simulated SEV-SNP (not AMD), O=mpcsign, C=US";

    public sealed record Issued(byte[] ArkDer, byte[] AskDer, byte[] VcekDer, byte[] VcekPkcs8, byte[] ChipId);

    public static Issued Create(DateTimeOffset now)
    {
        using var ark = RSA.Create(4096);
        using var ask = RSA.Create(4096);
        using var vcek = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var chipId = new byte[64];
        RandomNumberGenerator.Fill(chipId);
        var pss = RSASignaturePadding.Pss;

        var arkReq = new CertificateRequest($"CN=ARK-{Product}, {Names}", ark, HashAlgorithmName.SHA384, pss);
        arkReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var arkCert = arkReq.CreateSelfSigned(now.AddDays(-1), now.AddYears(25));

        var askReq = new CertificateRequest($"CN=SEV-{Product}, {Names}", ask, HashAlgorithmName.SHA384, pss);
        askReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        using var askCert = askReq.Create(arkCert.SubjectName, X509SignatureGenerator.CreateForRSA(ark, pss), now.AddDays(-1), now.AddYears(25), Serial());

        var vcekReq = new CertificateRequest($"CN=SEV-VCEK, {Names}", vcek, HashAlgorithmName.SHA384);
        foreach (var ext in VcekExtensions(chipId)) vcekReq.CertificateExtensions.Add(ext);
        using var vcekCert = vcekReq.Create(askCert.SubjectName, X509SignatureGenerator.CreateForRSA(ask, pss), now.AddDays(-1), now.AddYears(7), Serial());
        return new Issued(arkCert.RawData, askCert.RawData, vcekCert.RawData, vcek.ExportPkcs8PrivateKey(), chipId);
    }

    /// <summary>AMD's VCEK extensions (VCEK spec, "VCEK Certificate Extensions") for the simulated chip and TCB.</summary>
    private static IEnumerable<X509Extension> VcekExtensions(byte[] chipId)
    {
        const string arc = "1.3.6.1.4.1.3704.1.";
        yield return new X509Extension(arc + "1", Integer(0), false);
        var w = new AsnWriter(AsnEncodingRules.DER);
        w.WriteCharacterString(UniversalTagNumber.IA5String, Product.ToString());
        yield return new X509Extension(arc + "2", w.Encode(), false);
        foreach (var (slot, value) in new[] { ("3.1", Tcb.BootLoader), ("3.2", Tcb.Tee), ("3.3", Tcb.Snp), ("3.8", Tcb.Microcode) })
            yield return new X509Extension(arc + slot, Integer(value), false);
        foreach (var reserved in new[] { "3.4", "3.5", "3.6", "3.7" })
            yield return new X509Extension(arc + reserved, Integer(0), false);
        yield return new X509Extension(arc + "4", chipId, false);
    }

    private static byte[] Integer(long v)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        w.WriteInteger(v);
        return w.Encode();
    }

    private static byte[] Serial()
    {
        var s = new byte[16];
        RandomNumberGenerator.Fill(s);
        s[0] &= 0x7F; // a positive INTEGER (RFC 5280 4.1.2.2)
        return s;
    }

    /// <summary>Zeroes a private-key buffer; used in finally blocks around PKCS#8 bytes.</summary>
    public static void Wipe(byte[] secret) => CryptographicOperations.ZeroMemory(secret);

    internal static SecretBytes ToSecret(byte[] pkcs8)
    {
        try { return SecretBytes.CopyFrom(pkcs8); }
        finally { Wipe(pkcs8); }
    }
}
