namespace MpcSigning.Actors;

/// <summary>
/// An actor's address, <c>node-name/path</c> (for example <c>node-a/user/coordinator/session-1f2e</c>). The node part
/// lets the kernel route a Tell to another node later without the actor code changing.
/// </summary>
public sealed record ActorPath(string Node, string Path)
{
    public ActorPath Child(string name) => new(Node, Path + "/" + name);

    public string Name => Path[(Path.LastIndexOf('/') + 1)..];

    public override string ToString() => Node + "/" + Path;

    /// <summary>Parses "node/seg/seg". Throws <see cref="FormatException"/> naming what is missing.</summary>
    public static ActorPath Parse(string address)
    {
        var slash = address.IndexOf('/');
        if (slash <= 0 || slash == address.Length - 1)
            throw new FormatException($"actor address '{address}' must look like node-name/path");
        return new ActorPath(address[..slash], address[(slash + 1)..]);
    }
}
