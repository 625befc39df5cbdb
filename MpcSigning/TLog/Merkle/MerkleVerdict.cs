namespace MpcSigning.TLog.Merkle;

/// <summary>
/// The outcome of a proof check. A root mismatch (the proof is well formed but does not lead to the claimed
/// root) is kept apart from malformed input (wrong sizes, lengths or counts), as transparency-dev/merkle does.
/// </summary>
public enum MerkleOutcome
{
    Valid,
    Malformed,
    RootMismatch,
}

/// <summary>The outcome and, unless valid, what was wrong and what was expected.</summary>
public readonly record struct MerkleVerdict(MerkleOutcome Outcome, string Detail)
{
    public bool IsValid => Outcome == MerkleOutcome.Valid;

    public static MerkleVerdict Ok { get; } = new(MerkleOutcome.Valid, "");

    public static MerkleVerdict Malformed(string detail) => new(MerkleOutcome.Malformed, detail);

    public static MerkleVerdict Mismatch(string detail) => new(MerkleOutcome.RootMismatch, detail);

    public override string ToString() => IsValid ? "valid" : $"{Outcome}: {Detail}";
}
