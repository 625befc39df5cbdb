namespace MpcSigning.Tests.Support;

/// <summary>A fresh directory under /tmp for one test, removed afterwards.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Path = Directory.CreateTempSubdirectory("mpcsign-test-").FullName;

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a finalizer-bound SQLite handle; /tmp is cleaned anyway.
        }
    }
}
