using System.CommandLine;
using MpcSigning.AuthN;
using MpcSigning.AuthN.Software;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Hosting;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Coordinator;

namespace MpcSigning.Cli;

/// <summary>
/// The signing flow command by command: enroll, request, join, status. Each starts the node embedded in this process
/// on the data directory, recovers its state from the store, acts, and stops.
/// </summary>
internal static class FlowCommands
{
    private static readonly Option<string?> AuthenticatorDir = new("--authenticator-dir")
    {
        Description = "Where software authenticator keys live. Default: ~/.config/mpcsign/authenticators",
    };

    public static IEnumerable<Command> Build() =>
        [DemoCommand.Build(), Enroll(), Request(), Join(), Status(), VerifyCommand.Build(), TrustRootCommand.Build()];

    private static Command Enroll()
    {
        var name = new Option<string>("--name") { Description = "Display name, e.g. Alice", Required = true };
        var email = new Option<string>("--email") { Description = "Identity of the participant", Required = true };
        var role = new Option<string>("--role") { Description = "engineer or steward", Required = true };
        var cmd = new Command("enroll", "Create a participant's software authenticator and register it") { name, email, role, AuthenticatorDir };
        cmd.SetAction(p => CliApp.Execute(p, async ctx =>
        {
            var r = RoleNames.Parse(p.GetValue(role));
            var mail = ParticipantEmail.Normalize(p.GetValue(email));
            await using var node = await NodeAccess.OpenAsync(ctx);
            var enrolled = await EnrollAsync(node.Client, node.RelyingParty, p.GetValue(AuthenticatorDir), p.GetValue(name)!, mail, r);
            ctx.Out.WriteLine(enrolled);
            return 0;
        }));
        return cmd;
    }

    /// <summary>
    /// Creates (or reuses) the participant's authenticator and registers its credential through the same WebAuthn
    /// registration ceremony as a browser: BeginRegistration, the authenticator's answer, CompleteRegistration.
    /// </summary>
    internal static async Task<string> EnrollAsync(NodeClient client, RelyingParty rp, string? authenticatorDir, string name, string email, Role role)
    {
        var file = Path.Combine(authenticatorDir ?? SoftwareAuthenticator.DefaultDirectory, SoftwareAuthenticator.FileNameFor(email));
        var authenticator = File.Exists(file)
            ? SoftwareAuthenticator.Load(authenticatorDir, email)
            : SoftwareAuthenticator.Create(authenticatorDir, email);
        var options = await client.BeginRegistrationAsync(name, email, role);
        var answer = authenticator.Register(options.OptionsJson, rp.PrimaryOrigin);
        var enrolled = await client.CompleteRegistrationAsync(options.CeremonyId.ToByteArray(), answer);
        var what = enrolled.AlreadyEnrolled ? "already enrolled" : "enrolled";
        return $"{Text.Printable(name)} <{Text.Printable(email)}> {what} as {RoleNames.ToName(role)}; authenticator key in {authenticator.FilePath}";
    }

    private static Command Request()
    {
        var artifact = new Option<string?>("--artifact") { Description = "The file to sign" };
        var digest = new Option<string?>("--artifact-digest") { Description = "Or its SHA-256, as 64 hex characters" };
        var cmd = new Command("request", "Start a signing session; prints the session id") { artifact, digest };
        cmd.SetAction(p => CliApp.Execute(p, async ctx =>
        {
            var (sha, fileName) = Inputs.Artifact(p.GetValue(artifact), p.GetValue(digest));
            await using var node = await NodeAccess.OpenAsync(ctx);
            var created = await node.Client.RequestSigningAsync(sha, fileName, Environment.UserName);
            var status = await node.Client.StatusAsync(created.SessionId.ToByteArray());
            ctx.Out.WriteLine(Convert.ToHexStringLower(created.SessionId.Span));
            ctx.Error.WriteLine($"Session created for sha256:{Convert.ToHexStringLower(sha)}; it needs {Needed(status)} by " +
                $"{DateTimeOffset.FromUnixTimeMilliseconds(created.ExpiresAtUnixMs):u}. Approve with: mpcsign join --session ID --name NAME --email EMAIL");
            return 0;
        }));
        return cmd;
    }

    private static Command Join()
    {
        var session = new Option<string>("--session") { Description = "Session id printed by 'mpcsign request'", Required = true };
        var name = new Option<string>("--name") { Description = "Your display name, as enrolled", Required = true };
        var email = new Option<string>("--email") { Description = "Your email, as enrolled", Required = true };
        var cmd = new Command("join", "Approve a session with your authenticator; the approval that completes the quorum signs") { session, name, email, AuthenticatorDir };
        cmd.SetAction(p => CliApp.Execute(p, async ctx =>
        {
            var id = Inputs.SessionId(p.GetValue(session)!);
            var mail = ParticipantEmail.Normalize(p.GetValue(email));
            await using var node = await NodeAccess.OpenAsync(ctx);
            var status = await ApproveAsync(node, id, p.GetValue(name)!, mail, p.GetValue(AuthenticatorDir));
            ctx.Out.WriteLine(Describe(status, node.BundleFile(status)));
            if (status.Phase != SessionPhase.Failed) return 0;
            // The approval was recorded, but nothing was signed: a script must not take this for success.
            ctx.Error.WriteLine($"mpcsign: session {Convert.ToHexStringLower(id)} failed ({status.Failure?.Message}); request a new session");
            return CliErrors.Refused;
        }));
        return cmd;
    }

    /// <summary>Signs the session's challenge with the participant's authenticator and submits the approval.</summary>
    internal static async Task<SessionStatus> ApproveAsync(INodeAccess node, byte[] sessionId, string name, string email, string? authenticatorDir)
    {
        var participant = await node.Client.FindParticipantAsync(email);
        if (!string.Equals(participant.Name, name.Trim(), StringComparison.Ordinal))
            throw new CliException($"--name: {Text.Printable(email)} is enrolled as '{Text.Printable(participant.Name)}', not '{Text.Printable(name)}'");
        var current = await node.Client.StatusAsync(sessionId);
        if (current.Phase == SessionPhase.AwaitingApprovals &&
            current.Approvers.Any(a => string.Equals(a.Email, email, StringComparison.OrdinalIgnoreCase)))
        {
            // Already approved: a no-op, so no assertion is made and the authenticator's counter stays where it is.
            // (The coordinator answers a duplicate the same way without verifying it, for a join that races this check.)
            current.DuplicateApproval = true;
            return current;
        }
        var authenticator = SoftwareAuthenticator.Load(authenticatorDir, email);
        var assertion = authenticator.GetAssertion(current.Challenge.ToByteArray(), node.RelyingParty);
        return await node.Client.ApproveAsync(sessionId, email, assertion);
    }

    private static Command Status()
    {
        var session = new Option<string>("--session") { Description = "Session id", Required = true };
        var watch = new Option<bool>("--watch") { Description = "Follow the session live until it is signed, expired or failed" };
        var cmd = new Command("status", "Show a session's approvals, who is still needed, and its state") { session, watch };
        cmd.SetAction(p => CliApp.Execute(p, async ctx =>
        {
            var id = Inputs.SessionId(p.GetValue(session)!);
            if (p.GetValue(watch) && ctx.Node is null) throw WatchNeedsNode();
            await using var node = await NodeAccess.OpenAsync(ctx);
            if (p.GetValue(watch)) return await WatchAsync(node, id, ctx);
            var status = await node.Client.StatusAsync(id);
            ctx.Out.WriteLine(Describe(status, node.BundleFile(status)));
            return 0;
        }));
        return cmd;
    }

    /// <summary>Prints the session's state now and at each change until it is final (the node's WatchSession stream).</summary>
    private static async Task<int> WatchAsync(INodeAccess node, byte[] id, CliContext ctx)
    {
        var first = true;
        Task Show(SessionStatus s)
        {
            if (!first) ctx.Out.WriteLine();
            first = false;
            ctx.Out.WriteLine(Describe(s, node.BundleFile(s)));
            ctx.Out.Flush();
            return Task.CompletedTask;
        }
        // The embedded node holds the data directory while it runs: nobody else could approve, so there is nothing to follow.
        if (node is not MpcSigning.Hosting.Grpc.GrpcNodeAccess remote) throw WatchNeedsNode();
        var final = await remote.GrpcClient.WatchAsync(id, Show, TimeSpan.FromHours(24));
        return final.Phase == SessionPhase.Completed ? 0 : CliErrors.Refused;
    }

    private static CliException WatchNeedsNode() =>
        new("--watch follows a running node: give --node https://HOST:PORT (or MPCSIGN_NODE)", CliErrors.BadConfiguration);

    internal static string Needed(SessionStatus s) =>
        s.EngineersNeeded + s.StewardsNeeded == 0 ? "no more approvals"
            : $"{s.EngineersNeeded} more engineer(s) and {s.StewardsNeeded} more steward(s)";

    internal static string Describe(SessionStatus s, string bundlePath)
    {
        var lines = new List<string>
        {
            $"session    {Convert.ToHexStringLower(s.SessionId.Span)}",
            $"artifact   sha256:{Convert.ToHexStringLower(s.ArtifactDigest.Span)}",
            $"state      {Phase(s.Phase)}{(s.DuplicateApproval ? " (this approval was already recorded; nothing changed)" : "")}",
            $"approvals  {(s.Approvers.Count == 0 ? "none yet" : string.Join(", ", s.Approvers.Select(a => $"{Text.Printable(a.Name)} <{Text.Printable(a.Email)}> ({RoleNames.ToName(a.Role)})")))}",
        };
        switch (s.Phase)
        {
            case SessionPhase.AwaitingApprovals:
                lines.Add($"needed     {Needed(s)}, by {DateTimeOffset.FromUnixTimeMilliseconds(s.ExpiresAtUnixMs):u}");
                break;
            case SessionPhase.Completed:
                lines.Add($"log index  {s.LogIndex}");
                lines.Add($"bundle     {bundlePath}");
                break;
            case SessionPhase.Failed:
                lines.Add($"failure    {Text.Printable(s.Failure?.Message)}");
                break;
        }
        return string.Join(Environment.NewLine, lines);
    }

    private static string Phase(SessionPhase p) => p switch
    {
        SessionPhase.AwaitingApprovals => "awaiting approvals",
        SessionPhase.Signing => "quorum reached, signing",
        SessionPhase.Completed => "signed, certified and logged",
        SessionPhase.Expired => "expired",
        SessionPhase.Failed => "failed",
        _ => "unknown",
    };
}
