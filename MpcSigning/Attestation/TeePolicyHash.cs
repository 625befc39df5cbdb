using System.Security.Cryptography;

namespace MpcSigning.Attestation;

/// <summary>TEE_POLICY_HASH: lowercase hex SHA-256 of the 48-byte MEASUREMENT, the value operators pin.</summary>
public static class TeePolicyHash
{
    public static string Of(ReadOnlySpan<byte> measurement48)
    {
        if (measurement48.Length != 48) throw new ArgumentException($"MEASUREMENT is 48 bytes, got {measurement48.Length}", nameof(measurement48));
        return Convert.ToHexStringLower(SHA256.HashData(measurement48));
    }

    /// <summary>Checks the pinned form: exactly 64 hex characters. Returns an error naming the variable, or null.</summary>
    public static string? Validate(string value, string variable = "TEE_POLICY_HASH") =>
        value.Length == 64 && value.All(char.IsAsciiHexDigit) ? null
            : $"{variable} must be 64 hex characters (SHA-256 of the 48-byte MEASUREMENT, see 'mpcsign attest policy-hash'); got {value.Length} characters";
}
