namespace MpcSigning.Hosting;

/// <summary>
/// Owns a resource while a start is under way: disposes it at the end of the <c>using</c> unless <see cref="Keep"/>
/// handed it on, so a start that throws halfway never leaves it behind.
/// </summary>
internal sealed class DisposeUnlessKept(IDisposable resource) : IDisposable
{
    private IDisposable? _resource = resource;

    /// <summary>The start succeeded: the caller owns the resource from now on.</summary>
    public IDisposable Keep()
    {
        var kept = _resource ?? throw new InvalidOperationException("the resource was already handed on");
        _resource = null;
        return kept;
    }

    public void Dispose()
    {
        _resource?.Dispose();
        _resource = null;
    }
}
