namespace MpcSigning.TLog.Merkle;

/// <summary>
/// Read access to complete Merkle nodes: the node at (level, index) is the root of the perfect subtree over
/// leaves [index * 2^level, (index + 1) * 2^level). Callers only ask for nodes inside a size they know exists.
/// </summary>
public interface INodeSource
{
    void ReadNode(int level, long index, Span<byte> destination);
}
