using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace MpcSigning.Ca;

/// <summary>DER encoding of the mpcsign extensions (<see cref="MpcsignOids"/>). Pure.</summary>
internal static class SessionExtensions
{
    public static X509Extension OctetString(string oid, byte[] value)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        w.WriteOctetString(value);
        return new X509Extension(oid, w.Encode(), critical: false);
    }

    public static X509Extension Utf8String(string oid, string value)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        w.WriteCharacterString(UniversalTagNumber.UTF8String, value);
        return new X509Extension(oid, w.Encode(), critical: false);
    }

    public static X509Extension Approvers(IReadOnlyList<(string Email, string Role)> approvers)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            foreach (var (email, role) in approvers)
            {
                using (w.PushSequence())
                {
                    w.WriteCharacterString(UniversalTagNumber.UTF8String, email);
                    w.WriteCharacterString(UniversalTagNumber.UTF8String, role);
                }
            }
        }
        return new X509Extension(MpcsignOids.Approvers, w.Encode(), critical: false);
    }

    public static X509Extension PolicyBinding(PolicyBinding b)
    {
        var w = new AsnWriter(AsnEncodingRules.DER);
        using (w.PushSequence())
        {
            w.WriteInteger(b.Version);
            w.WriteOctetString(b.PolicyDigest);
            w.WriteOctetString(b.ApprovalsDigest);
        }
        return new X509Extension(MpcsignOids.PolicyBinding, w.Encode(), critical: false);
    }

    public static PolicyBinding ReadPolicyBinding(byte[] der)
    {
        var r = new AsnReader(der, AsnEncodingRules.DER);
        var seq = r.ReadSequence();
        r.ThrowIfNotEmpty();
        if (!seq.TryReadUInt32(out var version)) throw new AsnContentException("the policy version is not a 32-bit unsigned INTEGER");
        var policy = seq.ReadOctetString();
        var approvals = seq.ReadOctetString();
        seq.ThrowIfNotEmpty();
        if (policy.Length != 32 || approvals.Length != 32) throw new AsnContentException("the policy and approvals digests must be 32 bytes");
        return new PolicyBinding(version, policy, approvals);
    }

    public static byte[] ReadOctetString(byte[] der)
    {
        var r = new AsnReader(der, AsnEncodingRules.DER);
        var v = r.ReadOctetString();
        r.ThrowIfNotEmpty();
        return v;
    }

    public static string ReadUtf8String(byte[] der)
    {
        var r = new AsnReader(der, AsnEncodingRules.DER);
        var v = r.ReadCharacterString(UniversalTagNumber.UTF8String);
        r.ThrowIfNotEmpty();
        return v;
    }

    public static IReadOnlyList<(string Email, string Role)> ReadApprovers(byte[] der)
    {
        var r = new AsnReader(der, AsnEncodingRules.DER);
        var seq = r.ReadSequence();
        r.ThrowIfNotEmpty();
        var list = new List<(string, string)>();
        while (seq.HasData)
        {
            var item = seq.ReadSequence();
            var email = item.ReadCharacterString(UniversalTagNumber.UTF8String);
            var role = item.ReadCharacterString(UniversalTagNumber.UTF8String);
            item.ThrowIfNotEmpty();
            list.Add((email, role));
        }
        return list;
    }
}
