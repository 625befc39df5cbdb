using Google.Protobuf;
using MpcSigning.Bundle.Sigstore;
using MpcSigning.Bundle.Mpcsign;
using MpcSigning.Hosting;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Proto.Policy;
using ParticipantList = MpcSigning.Proto.Policy.ParticipantList;

namespace MpcSigning.Policy;

/// <summary>
/// A proposed trust policy version waiting for its stewards: a signing session over the new version's digest (the
/// stewards approve it like any artifact, on the page or with 'mpcsign join'), and the proposal kept in
/// DATA/policy-proposals/SESSION.json until the session completes. The same steps serve 'mpcsign policy propose|apply'
/// and the node's own proposals (an invited enrolment under a policy in force, <see cref="ProposalApplier"/>).
/// </summary>
public static class PolicyProposals
{
    public const string Folder = "policy-proposals";

    /// <summary>Opens the session for <paramref name="next"/> and saves the proposal; <paramref name="registered"/> are
    /// credentials registered for people the proposal enrols (kept so enrolment later keeps their COSE key and flags).</summary>
    public static async Task<byte[]> ProposeAsync(NodeClient client, DataDirectory data, TrustPolicy next, string requester,
        IEnumerable<Participant>? registered = null)
    {
        var digest = PolicyDigest.Of(next);
        var created = await client.RequestSigningAsync(digest, $"trust-policy-v{next.Version}", requester);
        var id = created.SessionId.ToByteArray();
        var folder = data.File(Folder);
        Directory.CreateDirectory(folder);
        var stem = Path.Combine(folder, Convert.ToHexStringLower(id));
        var list = new ParticipantList();
        list.Participants.AddRange(registered ?? []);
        if (list.Participants.Count > 0) await File.WriteAllBytesAsync(stem + ".participants.pb", list.ToByteArray());
        await File.WriteAllBytesAsync(stem + ".json", PolicyJson.WritePolicy(next));
        return id;
    }

    /// <summary>The saved proposal of session <paramref name="sessionId"/>, or null when this node has none.</summary>
    public static TrustPolicy? Load(DataDirectory data, byte[] sessionId)
    {
        var path = PathOf(data, sessionId);
        return File.Exists(path) ? PolicyJson.ReadPolicy(File.ReadAllBytes(path), path) : null;
    }

    public static string PathOf(DataDirectory data, byte[] sessionId) => Path.Combine(data.File(Folder), Convert.ToHexStringLower(sessionId) + ".json");

    /// <summary>Session ids of the proposals saved on this node.</summary>
    public static IReadOnlyList<byte[]> Pending(DataDirectory data)
    {
        var folder = data.File(Folder);
        if (!Directory.Exists(folder)) return [];
        return Directory.EnumerateFiles(folder, "*.json")
            .Select(f => Path.GetFileNameWithoutExtension(f))
            .Where(n => n.Length == 32 && n.All(char.IsAsciiHexDigit))
            .Select(Convert.FromHexString).ToArray();
    }

    /// <summary>
    /// The signed step from <paramref name="current"/> to <paramref name="next"/>: the completed session must have approved
    /// exactly the proposal's digest, and the step carries the approvals of the current version's stewards (the session's
    /// other approvals are not part of it). Throws <see cref="PolicyException"/> with what is missing.
    /// </summary>
    public static SignedTrustPolicy Approved(TrustPolicy current, TrustPolicy next, byte[] sessionId, SessionStatus status)
    {
        var id = Convert.ToHexStringLower(sessionId);
        if (status.Phase != SessionPhase.Completed)
            throw new PolicyException($"the proposal's session {id} is not complete; the stewards approve it first");
        if (!status.ArtifactDigest.Span.SequenceEqual(PolicyDigest.Of(next)))
            throw new PolicyException($"session {id} approved another digest than the proposal's");
        if (!SigstoreBundleJson.TryRead(status.BundleJson.ToByteArray(), out var bundle, out var error) || bundle!.Mpcsign is not { } raw)
            throw new PolicyException($"the proposal's session {id} has no readable bundle: {error.Message}");
        var signed = new SignedTrustPolicy { Policy = next, ChangeSessionId = ByteString.CopyFrom(sessionId) };
        signed.Approvals.AddRange(MpcsignSection.Read(raw).Approvals.Where(a => a.Role == Role.Steward &&
            current.Participants.Any(x => x.Email == a.ParticipantEmail && x.Role == Role.Steward)));
        return signed;
    }

    /// <summary>
    /// After the step is recorded: registers the credentials of the people it enrols (the registration kept with the
    /// proposal where there is one, else the policy's entry), and forgets the proposal.
    /// </summary>
    public static async Task EnrolNewcomersAsync(NodeClient client, DataDirectory data, TrustPolicy before, TrustPolicy after, byte[] sessionId)
    {
        var stem = Path.Combine(data.File(Folder), Convert.ToHexStringLower(sessionId));
        var registered = File.Exists(stem + ".participants.pb")
            ? ParticipantList.Parser.ParseFrom(await File.ReadAllBytesAsync(stem + ".participants.pb")).Participants.ToArray()
            : [];
        foreach (var x in after.Participants.Where(x => before.Participants.All(c => c.Email != x.Email)))
        {
            var p = registered.FirstOrDefault(r => r.Email == x.Email && r.CredentialId.Equals(x.CredentialId) && r.PublicKeySpki.Equals(x.PublicKeySpki))
                ?.Clone() ?? new Participant { Email = x.Email, PublicKeySpki = x.PublicKeySpki, CredentialId = x.CredentialId };
            p.Name = x.Name;
            p.Role = x.Role;
            await client.EnrollAsync(p);
        }
        Forget(data, sessionId);
    }

    /// <summary>Deletes the saved proposal of <paramref name="sessionId"/>.</summary>
    public static void Forget(DataDirectory data, byte[] sessionId)
    {
        var stem = Path.Combine(data.File(Folder), Convert.ToHexStringLower(sessionId));
        File.Delete(stem + ".participants.pb");
        File.Delete(stem + ".json");
    }
}
