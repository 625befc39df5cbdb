using MpcSigning.AuthN.Passkeys;
using MpcSigning.AuthN.Software;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Proto.AuthN;

namespace MpcSigning.Tests.AuthN.Passkeys;

/// <summary>A relying party's ceremonies, a registry and a folder of software authenticators, for one test.</summary>
internal sealed class PasskeyFixture : IDisposable
{
    private readonly TempDir _keys = new();

    public RegistryFixture Registry { get; } = new();
    public RelyingParty Rp { get; }
    public MutableClock Clock { get; } = new(DateTimeOffset.Parse("2026-11-28T12:00:00Z"));
    public PasskeyCeremonies Ceremonies { get; }

    public PasskeyFixture(AttestationPolicy? policy = null, RelyingParty? rp = null)
    {
        Rp = rp ?? RelyingParty.Default;
        Ceremonies = new PasskeyCeremonies(Rp, policy ?? AttestationPolicy.Default, Clock);
    }

    public SoftwareAuthenticator NewAuthenticator(string email = "alice@example.org", string algorithm = SoftwareAlgorithms.Es256) =>
        SoftwareAuthenticator.Create(_keys.Path, email, algorithm);

    /// <summary>Registers <paramref name="a"/> through both ceremony calls; the outcome is not enrolled.</summary>
    public RegistrationOutcome Register(SoftwareAuthenticator a, SoftwareAttestation attestation = SoftwareAttestation.None,
        Fido2NetLib.Objects.AuthenticatorFlags flags = SoftwareAuthenticator.Flags, Role role = Role.Engineer, string? origin = null,
        Func<string, string>? editOptions = null)
    {
        var start = Ceremonies.BeginRegistration("Alice", a.Email, role);
        var options = editOptions is null ? start.OptionsJson : editOptions(start.OptionsJson);
        return Ceremonies.CompleteRegistration(start.CeremonyId, a.Register(options, origin ?? Rp.PrimaryOrigin, attestation, flags))
            .GetAwaiter().GetResult();
    }

    /// <summary>Registers and enrols <paramref name="a"/>; fails the test if either step refuses.</summary>
    public Participant Enrol(SoftwareAuthenticator a, SoftwareAttestation attestation = SoftwareAttestation.None,
        Fido2NetLib.Objects.AuthenticatorFlags flags = SoftwareAuthenticator.Flags)
    {
        var outcome = Register(a, attestation, flags);
        Assert.That(outcome.Ok, Is.True, outcome.Message);
        var enrolled = Registry.Registry.Enroll(outcome.Participant!);
        Assert.That(enrolled.Ok, Is.True, enrolled.Message);
        return enrolled.Participant!;
    }

    public void Dispose()
    {
        Registry.Dispose();
        _keys.Dispose();
    }
}

/// <summary>A clock the test moves.</summary>
internal sealed class MutableClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
