using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using MpcSigning.Attestation.Report;

namespace MpcSigning.Attestation.Verification;

/// <summary>
/// AMD's VCEK/VLEK extensions (AMD "Versioned Chip Endorsement Key (VCEK) Certificate and KDS Interface
/// Specification", Table "VCEK Certificate Extensions"): structVersion 1.3.6.1.4.1.3704.1.1, productName .1.2,
/// SPLs .1.3.1 blSPL, .3.2 teeSPL, .3.3 snpSPL, .3.8 ucodeSPL, .3.9 fmcSPL (Turin), hwID .1.4, cspId .1.5 (VLEK).
/// SPLs are DER INTEGERs and can take two bytes (a value of 128 or more needs a leading zero); hwID is the raw
/// extnValue (64 bytes on Milan/Genoa, 8 on Turin).
/// </summary>
public sealed record VcekExtensions(
    BigInteger? StructVersion, string? ProductName, byte? BlSpl, byte? TeeSpl, byte? SnpSpl, byte? UcodeSpl,
    byte? FmcSpl, byte[]? HwId, string? CspId)
{
    internal const string Arc = "1.3.6.1.4.1.3704.1.";

    public SevProduct Product => SevProducts.FromName(ProductName);

    /// <summary>Reads the extensions; null with an error when one is not the DER type AMD specifies.</summary>
    public static VcekExtensions? TryRead(X509Certificate2 cert, out string error)
    {
        error = "";
        BigInteger? version = null;
        string? product = null, csp = null;
        byte? bl = null, tee = null, snp = null, ucode = null, fmc = null;
        byte[]? hwId = null;
        foreach (var ext in cert.Extensions)
        {
            var oid = ext.Oid?.Value ?? "";
            if (!oid.StartsWith(Arc, StringComparison.Ordinal)) continue;
            try
            {
                var r = new AsnReader(ext.RawData, AsnEncodingRules.DER);
                switch (oid[Arc.Length..])
                {
                    case "1": version = r.ReadInteger(); break;
                    case "2": product = r.ReadCharacterString(UniversalTagNumber.IA5String); break;
                    case "3.1": bl = Spl(r); break;
                    case "3.2": tee = Spl(r); break;
                    case "3.3": snp = Spl(r); break;
                    case "3.8": ucode = Spl(r); break;
                    case "3.9": fmc = Spl(r); break;
                    case "4": hwId = ext.RawData; continue; // the extnValue itself is the hwID, not a nested DER value
                    case "5": csp = r.ReadCharacterString(UniversalTagNumber.IA5String); break;
                    default: continue; // reserved SPL slots .3.4-.3.7 and future extensions are not TCB inputs
                }
                r.ThrowIfNotEmpty();
            }
            catch (AsnContentException e)
            {
                error = $"VCEK extension {oid} is not the DER value AMD specifies ({e.Message})";
                return null;
            }
        }
        return new VcekExtensions(version, product, bl, tee, snp, ucode, fmc, hwId, csp);
    }

    /// <summary>Why the SPLs differ from the TCB, or null when every component matches (fmc only on Turin).</summary>
    public string? TcbMismatch(TcbParts tcb, SevProduct product)
    {
        var checks = new List<(string Name, byte? Cert, byte Report)>
        {
            ("blSPL", BlSpl, tcb.BootLoader), ("teeSPL", TeeSpl, tcb.Tee), ("snpSPL", SnpSpl, tcb.Snp), ("ucodeSPL", UcodeSpl, tcb.Microcode),
        };
        if (product == SevProduct.Turin) checks.Add(("fmcSPL", FmcSpl, tcb.Fmc ?? 0));
        foreach (var (name, cert, report) in checks)
        {
            if (cert is null) return $"the certificate has no {name} extension";
            if (cert != report) return $"the certificate's {name} is {cert} but REPORTED_TCB has {report}";
        }
        return null;
    }

    private static byte Spl(AsnReader r)
    {
        var v = r.ReadInteger();
        if (v < 0 || v > 255) throw new AsnContentException($"SPL {v} is outside 0..255");
        return (byte)v;
    }
}
