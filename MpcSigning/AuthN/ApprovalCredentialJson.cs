using System.Text.Json;
using Google.Protobuf;
using MpcSigning.Bundle;
using MpcSigning.Proto.AuthN;

namespace MpcSigning.AuthN;

/// <summary>
/// The credential of an approval in the JSON forms that carry approvals (the bundle's mpcsign section, the signed
/// trust policy): "credentialPublicKeyCose" (base64, the COSE_Key the assertion verifies against) and
/// "backupEligible" (the BE flag registered). Both are optional when read, for approvals recorded before they were
/// written: the COSE key is then derived from publicKeySpki and BE is false (<see cref="Approvals.Reverify"/>).
/// </summary>
internal static class ApprovalCredentialJson
{
    public static void Write(Utf8JsonWriter w, ApprovalRecord a)
    {
        if (!a.CredentialPublicKeyCose.IsEmpty) w.WriteBase64String("credentialPublicKeyCose", a.CredentialPublicKeyCose.Span);
        if (a.BackupEligible) w.WriteBoolean("backupEligible", true);
    }

    /// <summary>Reads the two members into <paramref name="record"/>; a wrong type is a <see cref="BundleFormatException"/> naming the field.</summary>
    public static void Read(JsonElement a, string path, ApprovalRecord record)
    {
        if (a.TryGetProperty("credentialPublicKeyCose", out var cose) && cose.ValueKind != JsonValueKind.Null)
            record.CredentialPublicKeyCose = ByteString.CopyFrom(JsonFields.Base64(a, "credentialPublicKeyCose", path));
        if (a.TryGetProperty("backupEligible", out var be) && be.ValueKind != JsonValueKind.Null)
            record.BackupEligible = be.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new BundleFormatException(BundleErrorCode.MalformedField, $"{path}.backupEligible: expected true or false."),
            };
    }
}
