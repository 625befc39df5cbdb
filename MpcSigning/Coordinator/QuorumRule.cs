using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Coordinator;

namespace MpcSigning.Coordinator;

/// <summary>
/// The quorum rule: REQUIRED_ENGINEERS distinct engineers and REQUIRED_STEWARDS distinct stewards. Pure; used by the
/// coordinator, by every signer before it takes part, and by offline verification.
/// </summary>
public static class QuorumRule
{
    /// <summary>How many more engineers and stewards are needed. Each person counts once, by normalized email.</summary>
    public static (uint Engineers, uint Stewards) StillNeeded(QuorumPolicy policy, IEnumerable<ApprovalRecord> approvals)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        uint engineers = 0, stewards = 0;
        foreach (var a in approvals)
        {
            if (!seen.Add(a.ParticipantEmail.Trim())) continue;
            if (a.Role == Role.Engineer) engineers++;
            else if (a.Role == Role.Steward) stewards++;
        }
        return (Sub(policy.RequiredEngineers, engineers), Sub(policy.RequiredStewards, stewards));
    }

    public static bool IsMet(QuorumPolicy policy, IEnumerable<ApprovalRecord> approvals)
    {
        var (e, s) = StillNeeded(policy, approvals);
        return e == 0 && s == 0;
    }

    /// <summary>A policy that needs nobody would sign without approval; refuse it at configuration time.</summary>
    public static string? Validate(QuorumPolicy policy) =>
        policy.RequiredEngineers + policy.RequiredStewards == 0
            ? "the quorum must need at least one approver (REQUIRED_ENGINEERS + REQUIRED_STEWARDS >= 1)"
            : null;

    private static uint Sub(uint need, uint have) => have >= need ? 0 : need - have;
}
