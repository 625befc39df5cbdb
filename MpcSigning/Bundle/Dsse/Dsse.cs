using System.Text;

namespace MpcSigning.Bundle.Dsse;

/// <summary>DSSE v1 (github.com/secure-systems-lab/dsse, protocol.md): what is actually signed.</summary>
public static class Dsse
{
    /// <summary>The payload type of an in-toto Statement (in-toto attestation spec, envelope.md).</summary>
    public const string InTotoPayloadType = "application/vnd.in-toto+json";

    /// <summary>
    /// The pre-authentication encoding: <c>"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body</c>, where LEN is the
    /// byte length in ASCII decimal without leading zeros and type is UTF-8. Signing the PAE rather than the
    /// payload binds the payload type, so a payload cannot be reinterpreted as another type.
    /// </summary>
    public static byte[] Pae(string payloadType, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(payloadType);
        var type = Encoding.UTF8.GetBytes(payloadType);
        var head = Encoding.ASCII.GetBytes($"DSSEv1 {type.Length} ");
        var mid = Encoding.ASCII.GetBytes($" {payload.Length} ");
        var pae = new byte[head.Length + type.Length + mid.Length + payload.Length];
        var span = pae.AsSpan();
        head.CopyTo(span);
        type.CopyTo(span[head.Length..]);
        mid.CopyTo(span[(head.Length + type.Length)..]);
        payload.CopyTo(span[(head.Length + type.Length + mid.Length)..]);
        return pae;
    }
}
