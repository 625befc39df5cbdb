namespace MpcSigning.AuthN.WebAuthn;

/// <summary>
/// The WebAuthn relying party the approvals are made for (WebAuthn L3 section 5.1.1 RP ID, section 13.4.9
/// origin validation). Plain settings: the verifier reads nothing else.
/// </summary>
/// <param name="RpId">Relying party id; authenticatorData.rpIdHash must be SHA-256 of its UTF-8 bytes.</param>
/// <param name="AllowedOrigins">Exact values accepted for clientDataJSON.origin, e.g. "https://mpcsign.local".</param>
/// <param name="RequireUserVerification">Demand the UV flag (PIN or biometric), not only presence. Default true:
/// an approval releases a signature, so "someone touched the key" is not enough.</param>
public sealed record RelyingParty(string RpId, IReadOnlyList<string> AllowedOrigins, bool RequireUserVerification = true)
{
    /// <summary>The deployment's default: rpId "mpcsign.local", origin "https://mpcsign.local", UV required.</summary>
    public static RelyingParty Default { get; } = new("mpcsign.local", ["https://mpcsign.local"]);

    /// <summary>
    /// Top-level origins allowed to frame the approval page (clientDataJSON.topOrigin, section 7.2 step 14).
    /// Empty by default: cross-origin ceremonies are refused.
    /// </summary>
    public IReadOnlyList<string> AllowedTopOrigins { get; init; } = [];

    /// <summary>The origin a client on this relying party reports: the first allowed origin.</summary>
    public string PrimaryOrigin => AllowedOrigins.Count > 0
        ? AllowedOrigins[0]
        : throw new InvalidOperationException($"relying party '{RpId}' has no allowed origin; configure at least one.");
}
