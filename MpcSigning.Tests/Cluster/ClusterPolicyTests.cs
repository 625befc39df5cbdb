using MpcSigning.Hosting;
using MpcSigning.Hosting.Cluster;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Cluster;

/// <summary>
/// The trust policy in the 7-member cluster of config/cluster/ (real <c>mpcsign node</c> processes on 127.0.0.1, started
/// once for the fixture), driven through the CLI as a cluster client: 'policy init' makes version 1 on the authn member
/// from what the client gathers; enrolment is then gated; a session is certified under the policy and verifies offline
/// against the chain 'trust-root --out' publishes; a rule change (proposed, approved by the stewards, applied) reaches the
/// coordinator, whose next session takes the policy's rule rather than the configured one.
/// </summary>
[NonParallelizable]
public class ClusterPolicyTests
{
    private static readonly (string, string)[] Env = [("MPCSIGN_SERVICE_TIMEOUT_SECONDS", "8"), ("MPCSIGN_ALLOW_SIMULATED_ATTESTATION", "true")];

    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(60);

    private ClusterMembers _cluster = null!;

    private string Auth => _cluster.Dir.File("authenticators");

    private string ClientDir => _cluster.Dir.File("client");

    [OneTimeSetUp]
    public async Task StartCluster()
    {
        _cluster = new ClusterMembers(Env);
        _cluster.StartAll();
        var env = _cluster.ClusterEnv(null);
        var config = NodeConfig.Load(ClusterMembers.ConfigFile("client"), n => env.FirstOrDefault(e => e.Name == n).Value);
        await using var client = await ClusterConnection.ConnectAsync(config, DataDirectory.Open(_cluster.Dir.File("probe")));
        // ready when the policy service (on the authn member), the CA, the log and the signers answer
        var deadline = DateTime.UtcNow + ClusterMembers.UpWithin;
        while (true)
        {
            try
            {
                await client.TrustPolicyAsync();
                await client.TrustedRootJsonAsync();
                break;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                // not up yet
            }
        }
    }

    [OneTimeTearDown]
    public void StopCluster() => _cluster?.Dispose();

    private Mpcsign.Result Cli(params string[] args) =>
        Mpcsign.RunWith(_cluster.ClusterEnv(null), ClientDir, Prompt, [.. args, "--config", ClusterMembers.ConfigFile("client")]);

    private static Mpcsign.Result Ok(Mpcsign.Result r)
    {
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Out + r.Err);
        return r;
    }

    private static string Email(string name) => name.ToLowerInvariant() + "@example.com";

    private string Sign(string artifactText, params string[] approvers)
    {
        var artifact = _cluster.Dir.File("artifact-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(artifact, artifactText);
        var session = Ok(Cli("request", "--artifact", artifact)).Out.Trim();
        Mpcsign.Result last = null!;
        foreach (var name in approvers)
            last = Ok(Cli("join", "--session", session, "--name", name, "--email", Email(name), "--authenticator-dir", Auth));
        Assert.That(last.Out, Does.Contain("signed, certified and logged"), "the last approval completes the session");
        return artifact + "|" + Path.Combine(ClientDir, "bundles", session + ".json");
    }

    private Mpcsign.Result Verify(string signed)
    {
        var parts = signed.Split('|');
        var trustRoot = _cluster.Dir.File("trust-root-" + Guid.NewGuid().ToString("N") + ".json");
        var published = Ok(Cli("trust-root", "--out", trustRoot));
        Assert.That(File.Exists(Path.ChangeExtension(trustRoot, ".policy.json")), Is.True, "trust-root --out writes the cluster's policy chain beside it: " + published.Err);
        return Mpcsign.RunWith([], _cluster.Dir.File("verifier"), Prompt, "verify", "--bundle", parts[1], "--artifact", parts[0], "--trust-root", trustRoot);
    }

    [Test, Order(1)]
    public void Init_MakesVersionOneOnTheAuthnMember_ThenEnrolmentIsGated()
    {
        foreach (var (name, role) in new[] { ("Alice", "engineer"), ("Bob", "steward"), ("Carol", "steward") })
            Ok(Cli("enroll", "--name", name, "--email", Email(name), "--role", role, "--authenticator-dir", Auth));
        var none = Cli("policy", "show");
        Assert.That(none.ExitCode, Is.EqualTo(1), none.Out + none.Err);
        Assert.That(none.Err, Does.Contain("no trust policy yet"));

        var init = Ok(Cli("policy", "init"));
        Assert.That(init.Out, Does.StartWith("trust policy v1"));
        Assert.That(init.Out, Does.Contain("FROST            2-of-3").And.Contain("<alice@example.com> (engineer)").And.Contain("<carol@example.com> (steward)"));
        Assert.That(File.Exists(Path.Combine(_cluster.DataDir("authn"), "trust-policy.json")), Is.True, "the authn member holds the chain");
        Assert.That(Ok(Cli("policy", "show")).Out, Is.EqualTo(init.Out));
        Assert.That(Ok(Cli("policy", "init")).Err, Does.Contain("already has a trust policy"));

        var mallory = Cli("enroll", "--name", "Mallory", "--email", "mallory@example.com", "--role", "steward", "--authenticator-dir", Auth);
        Assert.That(mallory.ExitCode, Is.EqualTo(1), mallory.Out + mallory.Err);
        Assert.That(mallory.Err, Does.Contain("trust policy v1 is in force"));
    }

    [Test, Order(2)]
    public void Session_IsCertifiedUnderThePolicy_AndVerifiesAgainstThePublishedChain()
    {
        var signed = Sign("policy-bound artifact " + Guid.NewGuid(), "Alice", "Bob", "Carol");
        var verified = Verify(signed);
        Assert.That(verified.ExitCode, Is.EqualTo(0), verified.Out + verified.Err);
        Assert.That(verified.Out, Does.StartWith("verified:").And.Contain("under trust policy v1").And.Contain("trust policy pinned at "));

        // the cluster's TrustedRoot names its policy: given without the chain, verify refuses rather than check the
        // approvals only against themselves
        var alone = _cluster.Dir.File("alone");
        Directory.CreateDirectory(alone);
        var trustRoot = Path.Combine(alone, "trust-root.json");
        Ok(Cli("trust-root", "--out", trustRoot));
        File.Delete(Path.Combine(alone, "trust-root.policy.json"));
        var parts = signed.Split('|');
        var refused = Mpcsign.RunWith([], _cluster.Dir.File("verifier"), Prompt, "verify", "--bundle", parts[1], "--artifact", parts[0], "--trust-root", trustRoot);
        Assert.That(refused.ExitCode, Is.EqualTo(1), refused.Out + refused.Err);
        Assert.That(refused.Err, Does.Contain("the trust root names trust policy").And.Contain("pass --policy FILE"));
    }

    [Test, Order(3)]
    public void RuleChange_ApprovedByTheStewards_IsTheCoordinatorsRuleForTheNextSession()
    {
        var session = Ok(Cli("policy", "propose", "--required-stewards", "1")).Out.Trim();
        foreach (var name in new[] { "Alice", "Bob", "Carol" })
            Ok(Cli("join", "--session", session, "--name", name, "--email", Email(name), "--authenticator-dir", Auth));
        var applied = Ok(Cli("policy", "apply", "--session", session));
        Assert.That(applied.Out, Does.StartWith("trust policy v2").And.Contain("1 engineer(s) and 1 steward(s)"));

        // the configuration still says 2 stewards (config/cluster/coordinator.json); the coordinator follows the policy
        var signed = Sign("after the rule change " + Guid.NewGuid(), "Alice", "Bob");
        var verified = Verify(signed);
        Assert.That(verified.ExitCode, Is.EqualTo(0), verified.Out + verified.Err);
        Assert.That(verified.Out, Does.Contain("under trust policy v2"));
    }
}
