namespace MpcSigning.Transport;

/// <summary>
/// Who a node is on attested links: its configured name, its cluster roles and its canonical Akka address
/// (<c>akka.tcp://system@host:port</c>). Bound into every report of a link.
/// </summary>
public sealed record LinkIdentity(string NodeName, IReadOnlyList<string> Roles, string Address)
{
    public const int MaxNameLength = 128, MaxRoles = 16, MaxRoleLength = 64, MaxAddressLength = 256;

    /// <summary>Why this identity is malformed (empty or over the bounds), or null.</summary>
    public string? Problem() =>
        NodeName.Length is 0 or > MaxNameLength ? $"node name must be 1 to {MaxNameLength} characters, got {NodeName.Length}"
        : Roles.Count > MaxRoles ? $"at most {MaxRoles} roles, got {Roles.Count}"
        : Roles.FirstOrDefault(r => r.Length is 0 or > MaxRoleLength) is { } role ? $"role '{Truncate(role)}' must be 1 to {MaxRoleLength} characters"
        : Address.Length is 0 or > MaxAddressLength ? $"address must be 1 to {MaxAddressLength} characters, got {Address.Length}"
        : !global::Akka.Actor.Address.TryParse(Address, out var parsed) || parsed.Host is null || parsed.Port is null
            ? $"address '{Truncate(Address)}' is not an Akka address with host and port (akka.tcp://system@host:port)"
        : null;

    internal Proto.Transport.NodeIdentity ToProto()
    {
        var m = new Proto.Transport.NodeIdentity { NodeName = NodeName, Address = Address };
        m.Roles.AddRange(Roles);
        return m;
    }

    internal static LinkIdentity FromProto(Proto.Transport.NodeIdentity m) => new(m.NodeName, m.Roles.ToArray(), m.Address);

    public bool Equals(LinkIdentity? other) =>
        other is not null && NodeName == other.NodeName && Address == other.Address && Roles.SequenceEqual(other.Roles);

    public override int GetHashCode() => HashCode.Combine(NodeName, Address, Roles.Count);

    public override string ToString() => $"{NodeName} [{string.Join(",", Roles)}] at {Address}";

    private static string Truncate(string s) => s.Length > 20 ? s[..20] + "..." : s;
}
