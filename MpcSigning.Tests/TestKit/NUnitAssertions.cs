using Akka.TestKit;

namespace MpcSigning.Tests.TestKit;

/// <summary>Akka.TestKit's assertions as NUnit assertions (Akka.TestKit.NUnit is not published for Akka 1.5).</summary>
public sealed class NUnitAssertions : ITestKitAssertions
{
    public static readonly NUnitAssertions Instance = new();

    public void Fail(string format = "", params object[] args) => Assert.Fail(Format(format, args));

    public void AssertTrue(bool condition, string format = "", params object[] args) =>
        Assert.That(condition, Is.True, Format(format, args));

    public void AssertFalse(bool condition, string format = "", params object[] args) =>
        Assert.That(condition, Is.False, Format(format, args));

    public void AssertEqual<T>(T expected, T actual, string format = "", params object[] args) =>
        Assert.That(actual, Is.EqualTo(expected), Format(format, args));

    public void AssertEqual<T>(T expected, T actual, Func<T, T, bool> comparer, string format = "", params object[] args)
    {
        if (!comparer(expected, actual))
            Assert.Fail($"expected {expected} but got {actual}" + (string.IsNullOrEmpty(format) ? "" : ": " + Format(format, args)));
    }

    public Exception AssertThrows(Action action) => Assert.Throws(Is.InstanceOf<Exception>(), () => action())!;

    public TException AssertThrows<TException>(Action action) where TException : Exception =>
        (TException)Assert.Throws(Is.InstanceOf<TException>(), () => action())!;

    public Task<Exception> AssertThrowsAsync(Func<Task> func) => AssertThrowsAsync<Exception>(func);

    public async Task<TException> AssertThrowsAsync<TException>(Func<Task> func) where TException : Exception
    {
        try
        {
            await func();
        }
        catch (TException e)
        {
            return e;
        }
        catch (Exception e)
        {
            Assert.Fail($"expected {typeof(TException).Name} but got {e.GetType().Name}: {e.Message}");
        }
        Assert.Fail($"expected {typeof(TException).Name} but none was thrown");
        throw new InvalidOperationException("unreachable: Assert.Fail throws");
    }

    private static string Format(string format, object[] args) => args.Length == 0 ? format : string.Format(format, args);
}
