namespace MpcSigning.Tests.Support;

/// <summary>A clock tests move by hand (session expiry, certificate validity), starting at the real now.</summary>
public sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
