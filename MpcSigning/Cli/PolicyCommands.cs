using System.CommandLine;
using MpcSigning.AuthN;
using MpcSigning.AuthN.Software;
using MpcSigning.Bundle.Mpcsign;
using MpcSigning.Bundle.Sigstore;
using MpcSigning.Hosting;
using MpcSigning.Policy;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Proto.Policy;
using Google.Protobuf;

namespace MpcSigning.Cli;

/// <summary>
/// <c>mpcsign policy show|init|propose|apply</c>: the trust policy. Version 1 is the bootstrap (the participants enrolled
/// so far, the configured rule, t-of-n and measurement, the CA and log key), printed with its fingerprint. Every later
/// change (enrol, change a role, revoke, change the rule) is proposed as a signing session whose artifact digest is the
/// proposed version's digest; the current stewards approve it with 'mpcsign join' exactly like an artifact, and
/// 'apply' records the new version with their approvals.
/// </summary>
internal static class PolicyCommands
{
    public static Command Build()
    {
        var root = new Command("policy", "The trust policy verifiers pin: show it, make version 1, propose and apply changes");
        root.Subcommands.Add(Show());
        root.Subcommands.Add(Init());
        root.Subcommands.Add(Propose());
        root.Subcommands.Add(Apply());
        return root;
    }

    private static Command Show()
    {
        var cmd = new Command("show", "Print the current trust policy, and the fingerprint of version 1 to pin");
        cmd.SetAction(p => CliApp.Execute(p, async ctx =>
        {
            await using var node = await PolicyAccess.OpenAsync(ctx);
            var chain = await node.LoadAsync() ?? throw new CliException(node.IsCluster
                ? "this cluster has no trust policy yet: make version 1 with 'mpcsign policy init' (sessions are certified without one until then)"
                : "this node has no trust policy yet: version 1 is made at the first session, or now with 'mpcsign policy init'");
            ctx.Out.WriteLine(Describe(chain));
            return 0;
        }));
        return cmd;
    }

    private static Command Init()
    {
        var cmd = new Command("init", "Make version 1 now from the enrolled participants and the configuration, and print its fingerprint");
        cmd.SetAction(p => CliApp.Execute(p, async ctx =>
        {
            await using var node = await PolicyAccess.OpenAsync(ctx);
            var (chain, created) = await node.InitAsync();
            if (node.IsCluster)
                ctx.Error.WriteLine(created ? $"trust policy v1 made by the cluster's policy service; pin its fingerprint {PolicyDigest.Fingerprint(chain.Versions[0].Policy)}"
                    : "the cluster already has a trust policy; nothing changed");
            ctx.Out.WriteLine(Describe(chain));
            return 0;
        }));
        return cmd;
    }

    internal static string Describe(TrustPolicyChain chain)
    {
        var p = chain.Versions[^1].Policy;
        var lines = new List<string>
        {
            $"trust policy v{p.Version}  {PolicyDigest.Fingerprint(p)}",
            $"pin (v1)         {PolicyDigest.Fingerprint(chain.Versions[0].Policy)}",
            $"rule             {p.RequiredEngineers} engineer(s) and {p.RequiredStewards} steward(s); a change needs {Math.Max(1, p.RequiredStewards)} steward(s)",
            $"FROST            {p.FrostThreshold}-of-{p.FrostSigners}",
            $"measurements     {string.Join(", ", p.AllowedMeasurements)}",
        };
        lines.AddRange(p.Participants.Select(x => $"participant      {Text.Printable(x.Name)} <{Text.Printable(x.Email)}> ({RoleNames.ToName(x.Role)})"));
        return string.Join(Environment.NewLine, lines);
    }

    private static Command Propose()
    {
        var enrol = new Option<string?>("--enroll") { Description = "Enrol a participant: give --name and --role too (their authenticator is created in --authenticator-dir)" };
        var name = new Option<string?>("--name") { Description = "Display name of the participant to enrol" };
        var role = new Option<string?>("--role") { Description = "engineer or steward: the role to enrol with, or to give --set-role EMAIL" };
        var setRole = new Option<string?>("--set-role") { Description = "Change this participant's role to --role" };
        var revoke = new Option<string?>("--revoke") { Description = "Remove this participant" };
        var engineers = new Option<uint?>("--required-engineers") { Description = "Change the rule: engineers an artifact needs" };
        var stewards = new Option<uint?>("--required-stewards") { Description = "Change the rule: stewards an artifact (and a policy change) needs" };
        var keys = new Option<string?>("--authenticator-dir") { Description = "Where the new participant's software authenticator is created" };
        var cmd = new Command("propose", "Propose the next policy version as a session the current stewards approve with 'mpcsign join'; prints the session id")
            { enrol, name, role, setRole, revoke, engineers, stewards, keys };
        cmd.SetAction(p => CliApp.Execute(p, async ctx =>
        {
            var given = new[] { p.GetValue(enrol) is not null, p.GetValue(setRole) is not null, p.GetValue(revoke) is not null,
                p.GetValue(engineers) is not null || p.GetValue(stewards) is not null }.Count(x => x);
            if (given != 1)
                throw new CliException("give exactly one change: --enroll EMAIL, --set-role EMAIL, --revoke EMAIL, or --required-engineers/--required-stewards", CliErrors.BadConfiguration);
            await using var node = await PolicyAccess.OpenAsync(ctx);
            var current = await node.CurrentAsync();
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            TrustPolicy next;
            if (p.GetValue(enrol) is { } email)
            {
                var mail = ParticipantEmail.Normalize(email);
                var r = RoleNames.Parse(p.GetValue(role));
                var displayName = p.GetValue(name) ?? throw new CliException("--enroll needs --name", CliErrors.BadConfiguration);
                var dir = p.GetValue(keys);
                var file = Path.Combine(dir ?? SoftwareAuthenticator.DefaultDirectory, SoftwareAuthenticator.FileNameFor(mail));
                var authenticator = File.Exists(file) ? SoftwareAuthenticator.Load(dir, mail) : SoftwareAuthenticator.Create(dir, mail);
                next = PolicyChanges.Enrol(current, authenticator.ToParticipant(displayName, r), now);
            }
            else if (p.GetValue(setRole) is { } who) next = PolicyChanges.ChangeRole(current, who, RoleNames.Parse(p.GetValue(role)), now);
            else if (p.GetValue(revoke) is { } gone) next = PolicyChanges.Revoke(current, gone, now);
            else next = PolicyChanges.ChangeRule(current, p.GetValue(engineers) ?? current.RequiredEngineers, p.GetValue(stewards) ?? current.RequiredStewards, now);
            var digest = PolicyDigest.Of(next);
            var session = Convert.ToHexStringLower(await PolicyProposals.ProposeAsync(node.Client, node.Data, next, Environment.UserName));
            ctx.Out.WriteLine(session);
            ctx.Error.WriteLine($"Proposed trust policy v{next.Version} (digest {Convert.ToHexStringLower(digest)}); the stewards of v{current.Version} approve it with " +
                $"'mpcsign join --session {session} ...' ({Math.Max(1, current.RequiredStewards)} needed; the session's own rule applies too), then 'mpcsign policy apply --session {session}'");
            return 0;
        }));
        return cmd;
    }

    private static Command Apply()
    {
        var session = new Option<string>("--session") { Description = "The session 'mpcsign policy propose' printed", Required = true };
        var cmd = new Command("apply", "Record the proposed version with its stewards' approvals, once its session is complete") { session };
        cmd.SetAction(p => CliApp.Execute(p, async ctx =>
        {
            var id = Inputs.SessionId(p.GetValue(session)!);
            await using var node = await PolicyAccess.OpenAsync(ctx);
            var next = PolicyProposals.Load(node.Data, id)
                ?? throw new CliException($"session {Convert.ToHexStringLower(id)} is not a policy proposal of this node (no {PolicyProposals.PathOf(node.Data, id)})");
            var status = await node.Client.StatusAsync(id);
            if (status.Phase != SessionPhase.Completed)
                throw new CliException($"the proposal's session is not complete ({FlowCommands.Needed(status)}); the stewards approve it with 'mpcsign join' first");
            var current = await node.CurrentAsync();
            var chain = await node.AppendAsync(PolicyProposals.Approved(current, next, id, status));
            // A participant the new version enrols gets their credential registered, now that the policy names it.
            await PolicyProposals.EnrolNewcomersAsync(node.Client, node.Data, current, next, id);
            ctx.Out.WriteLine(Describe(chain));
            return 0;
        }));
        return cmd;
    }

    /// <summary>
    /// Where the policy commands find the trust policy: the node embedded in this process (its DATA/trust-policy.json), or,
    /// with a Cluster section in the configuration, the cluster's policy service reached as a client (proposals are kept
    /// under the client's --data-dir).
    /// </summary>
    private sealed class PolicyAccess : IAsyncDisposable
    {
        private readonly NodeHost? _host;
        private readonly Hosting.Cluster.ClusterConnection? _cluster;

        private PolicyAccess(NodeHost? host, Hosting.Cluster.ClusterConnection? cluster, DataDirectory data)
        {
            _host = host;
            _cluster = cluster;
            Data = data;
        }

        public bool IsCluster => _cluster is not null;

        public DataDirectory Data { get; }

        public NodeClient Client => _host?.Client ?? _cluster!.Client;

        public static async Task<PolicyAccess> OpenAsync(CliContext ctx)
        {
            var config = NodeConfig.Load(ctx.ConfigFile, Environment.GetEnvironmentVariable);
            if (config.Cluster is null)
            {
                var host = await NodeHost.StartAsync(ctx);
                return new PolicyAccess(host, null, host.Data);
            }
            var data = DataDirectory.Open(ctx.DataDir);
            return new PolicyAccess(null, await Hosting.Cluster.ClusterConnection.ConnectAsync(config, data), data);
        }

        public async Task<TrustPolicyChain?> LoadAsync() => _host is not null ? _host.Policy.Load() : await _cluster!.TrustPolicyAsync();

        /// <summary>The single node makes version 1 from its own set-up; a cluster's policy service from what the client gathers.</summary>
        public async Task<(TrustPolicyChain Chain, bool Created)> InitAsync()
        {
            if (_host is null) return await _cluster!.InitTrustPolicyAsync();
            var existed = _host.Policy.Load() is not null;
            _host.CurrentPolicy();
            return (_host.Policy.Load()!, !existed);
        }

        /// <summary>The policy in force (a single node makes version 1 if needed, as at its first session; a cluster needs 'policy init').</summary>
        public async Task<TrustPolicy> CurrentAsync() => _host is not null ? _host.CurrentPolicy()
            : (await _cluster!.TrustPolicyAsync())?.Versions[^1].Policy
              ?? throw new CliException("this cluster has no trust policy to change: make version 1 with 'mpcsign policy init' first");

        public async Task<TrustPolicyChain> AppendAsync(SignedTrustPolicy next)
        {
            if (_cluster is not null) return await _cluster.AppendTrustPolicyAsync(next);
            _host!.Policy.Append(next);
            return _host.Policy.Load()!;
        }

        public async ValueTask DisposeAsync()
        {
            if (_host is not null) await _host.DisposeAsync();
            if (_cluster is not null) await _cluster.DisposeAsync();
        }
    }
}
