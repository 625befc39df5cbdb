using Microsoft.Extensions.Configuration;
using MpcSigning.Hosting;

namespace MpcSigning.AuthN.Passkeys;

/// <summary>
/// What a registration must prove about the authenticator (WebAuthn L3 section 7.1 steps 21-24), from the WebAuthn
/// section of the configuration.
/// </summary>
/// <param name="AllowNoneAttestation">Accept registrations whose attestation statement is "none" (no proof of the
/// authenticator model). Default true: most passkeys (platform and synced) send none.</param>
/// <param name="AllowedAaguids">AAGUIDs (authenticator models) accepted; empty: any. The AAGUID is the authenticator's
/// own claim unless its attestation is checked against a trust anchor, which mpcsign does not do (no metadata service):
/// this narrows honest mistakes, it does not stop a forged authenticator.</param>
/// <param name="RequireUserVerification">Demand UV (PIN or biometric) at registration and for approvals. Default true.</param>
public sealed record AttestationPolicy(bool AllowNoneAttestation, IReadOnlySet<Guid> AllowedAaguids, bool RequireUserVerification)
{
    /// <summary>Default: "none" accepted, any AAGUID, user verification required.</summary>
    public static AttestationPolicy Default { get; } = new(true, new HashSet<Guid>(), true);

    /// <summary>
    /// Reads WebAuthn:AllowNoneAttestation, WebAuthn:AllowedAaguids (a JSON array or one comma-separated string) and
    /// WebAuthn:RequireUserVerification, overridden by MPCSIGN_WEBAUTHN_ALLOW_NONE_ATTESTATION,
    /// MPCSIGN_WEBAUTHN_ALLOWED_AAGUIDS (comma-separated) and MPCSIGN_WEBAUTHN_REQUIRE_USER_VERIFICATION.
    /// </summary>
    /// <exception cref="ConfigException">A value is not a boolean or a GUID; the message names the setting.</exception>
    public static AttestationPolicy Load(IConfiguration c, Func<string, string?> env)
    {
        var allowNone = NodeConfig.Bool(env, c, "MPCSIGN_WEBAUTHN_ALLOW_NONE_ATTESTATION", "WebAuthn:AllowNoneAttestation", true);
        var requireUv = NodeConfig.Bool(env, c, "MPCSIGN_WEBAUTHN_REQUIRE_USER_VERIFICATION", "WebAuthn:RequireUserVerification", true);
        const string variable = "MPCSIGN_WEBAUTHN_ALLOWED_AAGUIDS", key = "WebAuthn:AllowedAaguids";
        var (name, values) = env(variable) is { Length: > 0 } e
            ? (variable, (IEnumerable<string>)e.Split(','))
            : c.GetSection(key).GetChildren().Any()
                ? (key, c.GetSection(key).GetChildren().Select(x => x.Value ?? ""))
                : (key, (c[key] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries));
        var aaguids = new HashSet<Guid>();
        foreach (var raw in values)
        {
            if (!Guid.TryParseExact(raw.Trim(), "D", out var g))
                throw new ConfigException(name, $"'{raw.Trim()}' is not an AAGUID; give GUIDs like 'cb69481e-8ff7-4039-93ec-0a2729a154a8', comma-separated");
            aaguids.Add(g);
        }
        return new AttestationPolicy(allowNone, aaguids, requireUv);
    }
}
