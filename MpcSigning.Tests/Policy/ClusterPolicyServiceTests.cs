using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Google.Protobuf;
using MpcSigning.AuthN.Registry.Sqlite;
using MpcSigning.Ca;
using MpcSigning.Hosting;
using MpcSigning.Policy;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Ca;
using MpcSigning.Proto.Policy;
using MpcSigning.Storage.Sqlite;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Policy;

/// <summary>A cluster member's cached copy of the trust policy (<see cref="PolicyView"/>) and the CA check over it.</summary>
public class PolicyViewTests
{
    private PolicyFixture _f = null!;

    [SetUp]
    public void SetUp() => _f = new PolicyFixture();

    [TearDown]
    public void TearDown() => _f.Dispose();

    private static CertifySessionKey Request(uint version) => new()
    {
        SessionId = ByteString.CopyFrom(new byte[16]), ArtifactDigest = ByteString.CopyFrom(new byte[32]), PolicyVersion = version,
    };

    [Test]
    public void Unknown_ThenNone_ThenAChain()
    {
        var view = new PolicyView();
        Assert.That((view.Known, view.KnownNone, view.Current), Is.EqualTo((false, false, (TrustPolicy?)null)));
        Assert.That(view.Update(new TrustPolicyChain()), Is.Null);
        Assert.That((view.Known, view.KnownNone, view.Current), Is.EqualTo((true, true, (TrustPolicy?)null)));
        Assert.That(view.Update(new TrustPolicyChain { Versions = { new SignedTrustPolicy { Policy = _f.V1 } } }), Is.Null);
        Assert.That(view.KnownNone, Is.False);
        Assert.That(view.Current, Is.EqualTo(_f.V1));
    }

    [Test]
    public void OnceAPolicyIsKnown_NoneAnOlderChainOrAnotherVersionOne_AreIgnored()
    {
        var view = new PolicyView();
        var v2 = PolicyChanges.ChangeRule(_f.V1, 1, 1, 1_700_000_000_001);
        var chain = _f.ChainWith(v2, "bob@example.com", "carol@example.com");
        Assert.That(view.Update(chain), Is.Null);
        Assert.That(view.Current!.Version, Is.EqualTo(2u));

        Assert.That(view.Update(new TrustPolicyChain()), Does.Contain("no trust policy"));
        Assert.That(view.Update(new TrustPolicyChain { Versions = { chain.Versions[0] } }), Does.Contain("older"));
        using var other = new PolicyFixture();
        Assert.That(view.Update(new TrustPolicyChain { Versions = { new SignedTrustPolicy { Policy = other.V1 } } }), Does.Contain("does not verify"));
        Assert.That(view.Current!.Version, Is.EqualTo(2u), "the member keeps v2");
        Assert.That(view.KnownNone, Is.False);
    }

    [Test]
    public void ChainWhoseChangeLacksTheStewards_IsIgnored()
    {
        var view = new PolicyView();
        var v2 = PolicyChanges.ChangeRule(_f.V1, 1, 1, 1_700_000_000_001);
        Assert.That(view.Update(_f.ChainWith(v2, "bob@example.com")), Does.Contain("needs 2"));
        Assert.That(view.Known, Is.False);
    }

    [Test]
    public void ClusterCaCheck_RefusesWhileUnknown_CertifiesUnboundWhileNone_ChecksOnceInForce()
    {
        var view = new PolicyView();
        var check = CaPolicyCheck.For(view, _f.V1.CaCertificateDer.ToByteArray());
        Assert.That(Assert.Throws<CaException>(() => check.Check(Request(0)))!.Message, Does.Contain("has not heard the trust policy"));
        view.Update(new TrustPolicyChain());
        Assert.That(check.Check(Request(0)), Is.Null, "a deployment that never ran 'policy init' certifies as before");
        Assert.That(Assert.Throws<CaException>(() => check.Check(Request(1)))!.Message, Does.Contain("has none"));
        view.Update(new TrustPolicyChain { Versions = { new SignedTrustPolicy { Policy = _f.V1 } } });
        Assert.That(Assert.Throws<CaException>(() => check.Check(Request(0)))!.Message, Does.Contain("current policy is v1"),
            "a request without the policy is refused once one is in force");
    }

    [Test]
    public void ClusterCaCheck_RefusesAPolicyNamingAnotherCaCertificate()
    {
        var view = new PolicyView();
        view.Update(new TrustPolicyChain { Versions = { new SignedTrustPolicy { Policy = _f.V1 } } });
        var m = Request(1);
        m.PolicyDigest = ByteString.CopyFrom(PolicyDigest.Of(_f.V1));
        Assert.That(Assert.Throws<CaException>(() => CaPolicyCheck.For(view, new byte[] { 1, 2, 3 }).Check(m))!.Message,
            Does.Contain("names another CA certificate"));
        Assert.That(Assert.Throws<CaException>(() => CaPolicyCheck.For(view, _f.V1.CaCertificateDer.ToByteArray()).Check(m))!.Message,
            Does.Not.Contain("names another CA certificate"), "its own certificate passes on to the quorum check");
    }
}

/// <summary>The cluster's policy service (<see cref="PolicyActor"/>) and a member's follower, in one actor system.</summary>
public class PolicyActorTests : TestKit.TestKit
{
    private readonly TempDir _dir = new();
    private SqliteDatabase _db = null!;
    private SqliteParticipantRegistry _registry = null!;
    private readonly List<TrustPolicyChanged> _announced = [];
    private NodeConfig _config = null!;

    [SetUp]
    public void SetUp()
    {
        _db = SqliteDatabase.Open(_dir.File("node.db"));
        _registry = new SqliteParticipantRegistry(_db);
        foreach (var (name, role) in new[] { ("Alice", Role.Engineer), ("Bob", Role.Steward), ("Carol", Role.Steward) })
            Assert.That(_registry.Enroll(AuthN.RegistryFixture.NewParticipant(name.ToLowerInvariant() + "@example.com", role, name)).Ok, Is.True);
        _config = NodeConfig.Load(null, _ => null);
    }

    [TearDown]
    public void TearDown()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private IActorRef Service(PolicyStore store) =>
        Sys.ActorOf(Props.Create(() => new PolicyActor(store, _registry, _config, new byte[48], TimeProvider.System, _announced.Add)));

    private static byte[] CaDer()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=test CA", key, HashAlgorithmName.SHA256);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return cert.RawData;
    }

    private BootstrapTrustPolicy Bootstrap(int signers)
    {
        var m = new BootstrapTrustPolicy
        {
            RequestId = "b", CaCertificateDer = ByteString.CopyFrom(CaDer()), LogPublicKey = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32)),
        };
        for (var i = 1; i <= signers; i++)
            m.Signers.Add(new PinnedSigner { Name = "signer-" + i, IdentityPublicKey = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32)) });
        return m;
    }

    [Test]
    public void Bootstrap_MakesVersionOneFromTheRegistryAndTheMaterial_Once_AndAnnouncesIt()
    {
        var store = new PolicyStore(_dir.Path);
        var service = Service(store);
        service.Tell(new GetTrustPolicy { RequestId = "g" });
        Assert.That(ExpectMsg<TrustPolicyState>().Chain.Versions, Is.Empty);

        var bootstrap = Bootstrap(3);
        service.Tell(bootstrap);
        var v1 = ExpectMsg<TrustPolicyState>().Chain.Versions.Single().Policy;
        Assert.That(v1.Participants.Select(p => p.Email), Is.EqualTo(new[] { "alice@example.com", "bob@example.com", "carol@example.com" }));
        Assert.That((v1.RequiredEngineers, v1.RequiredStewards), Is.EqualTo((_config.Coordinator.Policy.RequiredEngineers, _config.Coordinator.Policy.RequiredStewards)));
        Assert.That(v1.CaCertificateDer, Is.EqualTo(bootstrap.CaCertificateDer));
        Assert.That(v1.Signers.Select(s => s.Name), Is.EqualTo(new[] { "signer-1", "signer-2", "signer-3" }));
        Assert.That(store.Current(), Is.EqualTo(v1), "written to the authn member's trust-policy.json");
        Assert.That(_announced.Select(a => a.Version), Is.EqualTo(new[] { 1u }));

        service.Tell(Bootstrap(3));
        Assert.That(ExpectMsg<TrustPolicyState>().Chain.Versions.Single().Policy, Is.EqualTo(v1), "a second init changes nothing");
        Assert.That(_announced, Has.Count.EqualTo(1));
    }

    [Test]
    public void Bootstrap_MissingASigner_IsRefused_AndWritesNothing()
    {
        var store = new PolicyStore(_dir.Path);
        Service(store).Tell(Bootstrap(2));
        Assert.That(ExpectMsg<TrustPolicyRefused>().Message, Does.Contain("every signer member must be up"));
        Assert.That(File.Exists(store.FilePath), Is.False);
        Assert.That(_announced, Is.Empty);
    }

    [Test]
    public void Append_WithoutTheStewards_IsRefused()
    {
        var store = new PolicyStore(_dir.Path);
        var service = Service(store);
        service.Tell(Bootstrap(3));
        var v1 = ExpectMsg<TrustPolicyState>().Chain.Versions.Single().Policy;
        var v2 = PolicyChanges.ChangeRule(v1, 1, 1, 1_700_000_000_001);
        service.Tell(new AppendTrustPolicy { RequestId = "a", Version = new SignedTrustPolicy { Policy = v2, ChangeSessionId = ByteString.CopyFrom(new byte[16]) } });
        Assert.That(ExpectMsg<TrustPolicyRefused>().Message, Does.Contain("steward"));
        Assert.That(store.Load()!.Versions, Has.Count.EqualTo(1));
    }

    [Test]
    public void Follower_AsksAtStart_AndAgainOnAChangeNotification()
    {
        var service = CreateTestProbe();
        var view = new PolicyView();
        var follower = Sys.ActorOf(Props.Create(() => new PolicyFollower(service.Ref, view, TimeSpan.FromMinutes(5), false)));
        service.ExpectMsg<GetTrustPolicy>();
        using var f = new PolicyFixture();
        follower.Tell(new TrustPolicyState { Chain = new TrustPolicyChain { Versions = { new SignedTrustPolicy { Policy = f.V1 } } } });
        AwaitCondition(() => view.Current is not null);
        follower.Tell(new TrustPolicyChanged { Version = 2 });
        service.ExpectMsg<GetTrustPolicy>();
    }
}

/// <summary>The coordinator member's part of 'mpcsign policy init' (<see cref="PolicyBootstrapper"/>).</summary>
public class PolicyBootstrapperTests : TestKit.TestKit
{
    [Test]
    public void GathersFromTheCaTheLogAndItsSigners_AndTheServiceAnswersTheAsker()
    {
        var (ca, tlog, policy) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        var signers = new[] { CreateTestProbe(), CreateTestProbe(), CreateTestProbe() };
        var refs = signers.Select(s => s.Ref).ToArray();
        var bootstrapper = Sys.ActorOf(Props.Create(() => new PolicyBootstrapper(ca.Ref, tlog.Ref,
            _ => Task.FromResult<IReadOnlyList<IActorRef>>(refs), policy.Ref, TimeSpan.FromSeconds(10))));
        bootstrapper.Tell(new InitTrustPolicy { RequestId = "init" });
        ca.ExpectMsg<Proto.Trust.GetTrustMaterial>();
        ca.Reply(new Proto.Trust.CaTrustMaterial { CertificateDer = ByteString.CopyFrom(1, 2, 3) });
        tlog.ExpectMsg<Proto.Trust.GetTrustMaterial>();
        tlog.Reply(new Proto.Trust.LogTrustMaterial { PublicKey = ByteString.CopyFrom(new byte[32]) });
        for (var i = 0; i < signers.Length; i++)
        {
            signers[i].ExpectMsg<Proto.Trust.GetTrustMaterial>();
            signers[i].Reply(new Proto.Identity.SignerIdentityRecord { Name = "signer-" + (i + 1), IdentityPublicKey = ByteString.CopyFrom(new byte[32]) });
        }
        var sent = policy.ExpectMsg<BootstrapTrustPolicy>();
        Assert.That(sent.RequestId, Is.EqualTo("init"));
        Assert.That(sent.CaCertificateDer.ToByteArray(), Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(sent.Signers.Select(s => s.Name), Is.EqualTo(new[] { "signer-1", "signer-2", "signer-3" }));
        Assert.That(policy.LastSender, Is.EqualTo(TestActor), "the policy service answers the asker directly");
    }

    [Test]
    public void ASilentCa_IsRefusedInOneLine()
    {
        var (ca, tlog, policy) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        var bootstrapper = Sys.ActorOf(Props.Create(() => new PolicyBootstrapper(ca.Ref, tlog.Ref,
            _ => Task.FromResult<IReadOnlyList<IActorRef>>(Array.Empty<IActorRef>()), policy.Ref, TimeSpan.FromMilliseconds(300))));
        bootstrapper.Tell(new InitTrustPolicy { RequestId = "init" });
        var refused = ExpectMsg<TrustPolicyRefused>(TimeSpan.FromSeconds(10));
        Assert.That(refused.Message, Does.StartWith("the coordinator could not gather").And.Not.Contain("\n"));
    }
}
