namespace MpcSigning.Ca;

/// <summary>Settings of the CA. Defaults suit the single-node demo.</summary>
public sealed record CaOptions
{
    /// <summary>
    /// Written into every leaf as extension 1.3.6.1.4.1.57264.1.8 (Fulcio "Issuer (V2)", DER UTF8String), so
    /// Sigstore tooling sees who vouched for the identity.
    /// </summary>
    public string Issuer { get; init; } = "https://mpcsign.local";

    /// <summary>The leaf's URI SAN is this prefix followed by the session id in lowercase hex.</summary>
    public string SessionUriPrefix { get; init; } = "https://mpcsign.local/session/";

    /// <summary>Subject (and issuer) name of the self-signed CA certificate, used only when it is first created.</summary>
    public string CaSubject { get; init; } = "CN=mpcsign ephemeral CA, O=mpcsign";

    /// <summary>Validity of the CA certificate, used only when it is first created.</summary>
    public TimeSpan CaValidity { get; init; } = TimeSpan.FromDays(3650);

    /// <summary>Clock used only to date a newly created CA certificate; issuance takes its time as a parameter.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Seals the CA key (every node passes its sealer); null keeps the plain PEM file (tests, tools).</summary>
    public Sealing.KeySealer? Sealer { get; init; }

    internal void Validate()
    {
        if (!Uri.TryCreate(Issuer, UriKind.Absolute, out _))
            throw new CaException(CaErrorCode.InvalidOptions, $"CA issuer '{Issuer}' is not an absolute URI; set e.g. https://mpcsign.local.");
        if (!Uri.TryCreate(SessionUriPrefix + "00", UriKind.Absolute, out _))
            throw new CaException(CaErrorCode.InvalidOptions, $"CA session URI prefix '{SessionUriPrefix}' does not form an absolute URI; set e.g. https://mpcsign.local/session/.");
        if (CaValidity <= TimeSpan.Zero)
            throw new CaException(CaErrorCode.InvalidOptions, $"CA validity {CaValidity} must be positive.");
    }
}
