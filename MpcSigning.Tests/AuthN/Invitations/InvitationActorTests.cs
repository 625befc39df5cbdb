using Akka.Actor;
using MpcSigning.AuthN;
using MpcSigning.AuthN.Invitations;
using MpcSigning.AuthN.Software;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Common;
using MpcSigning.Tests.AuthN.Passkeys;

namespace MpcSigning.Tests.AuthN.Invitations;

/// <summary>
/// Enrolment by invitation in the AuthN actor (fresh actor system, SQLite registry and invitation table per test): the
/// invited person registers with a software authenticator and is enrolled with the invited role; reused, expired and
/// forged invitations, and a ceremony begun outside the invitation, are refused with a message and change nothing.
/// </summary>
public class InvitationActorTests : MpcSigning.Tests.TestKit.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private PasskeyFixture _f = null!;
    private SqliteInvitationStore _store = null!;
    private IActorRef _authn = null!;

    [SetUp]
    public void Start()
    {
        _f = new PasskeyFixture();
        _store = new SqliteInvitationStore(_f.Registry.Db);
        _authn = Sys.ActorOf(Props.Create(() => new AuthNActor(_f.Registry.Registry, _f.Rp, _f.Clock, _f.Ceremonies, _store)));
    }

    [TearDown]
    public void Stop() => _f.Dispose();

    private InvitationCreated Invite(string email = "alice@example.org", Role role = Role.Steward, long lifetimeSeconds = 0)
    {
        _authn.Tell(new CreateInvitation { RequestId = "i", Name = "Alice", Email = email, Role = role, LifetimeSeconds = lifetimeSeconds }, TestActor);
        return ExpectMsg<InvitationCreated>(Wait);
    }

    private object RegisterWith(string token, SoftwareAuthenticator a)
    {
        _authn.Tell(new BeginInvitedRegistration { RequestId = "b", Token = token }, TestActor);
        var options = ExpectMsg<InvitedRegistrationOptions>(Wait);
        _authn.Tell(new CompleteInvitedRegistration
        {
            RequestId = "c", Token = token, CeremonyId = options.CeremonyId,
            AttestationResponseJson = a.Register(options.OptionsJson, _f.Rp.PrimaryOrigin),
        }, TestActor);
        return ExpectMsg<object>(Wait);
    }

    private Rejected ExpectRefusal(string code)
    {
        var r = ExpectMsg<Rejected>(Wait);
        Assert.That(r.Error.Code, Is.EqualTo(code), r.Error.Message);
        return r;
    }

    [Test]
    public void Invited_person_is_enrolled_with_the_invited_role_and_the_token_is_stored_only_as_its_hash()
    {
        var created = Invite();
        Assert.That(created.Token, Has.Length.EqualTo(43));
        Assert.That(created.Invitation.TokenSha256.ToByteArray(), Is.EqualTo(InvitationTokens.HashOf(created.Token)));
        Assert.That(created.Invitation.ExpiresAtUnixMs - created.Invitation.CreatedAtUnixMs, Is.EqualTo((long)TimeSpan.FromHours(24).TotalMilliseconds));

        var enrolled = RegisterWith(created.Token, _f.NewAuthenticator());
        Assert.That(enrolled, Is.InstanceOf<ParticipantEnrolled>(), (enrolled as Rejected)?.Error.Message);
        var p = _f.Registry.Registry.Find("alice@example.org")!;
        Assert.That((p.Role, p.Name), Is.EqualTo((Role.Steward, "Alice")));
        Assert.That(_store.Find(InvitationTokens.HashOf(created.Token)!)!.ConsumedAtUnixMs, Is.EqualTo(_f.Clock.Now.ToUnixTimeMilliseconds()));

        // Nothing in the database holds the token itself.
        var file = File.ReadAllBytes(_f.Registry.Db.FilePath);
        Assert.That(System.Text.Encoding.ASCII.GetString(file), Does.Not.Contain(created.Token));
    }

    [Test]
    public void Reused_invitation_is_refused_at_both_steps()
    {
        var created = Invite();
        Assert.That(RegisterWith(created.Token, _f.NewAuthenticator()), Is.InstanceOf<ParticipantEnrolled>());
        _authn.Tell(new BeginInvitedRegistration { RequestId = "b", Token = created.Token }, TestActor);
        Assert.That(ExpectRefusal("authn.invitationused").Error.Message, Does.Contain("already used"));
    }

    [Test]
    public void Invitation_used_between_begin_and_complete_admits_one_enrolment_only()
    {
        var created = Invite();
        _authn.Tell(new BeginInvitedRegistration { RequestId = "b1", Token = created.Token }, TestActor);
        var first = ExpectMsg<InvitedRegistrationOptions>(Wait);
        _authn.Tell(new BeginInvitedRegistration { RequestId = "b2", Token = created.Token }, TestActor);
        var second = ExpectMsg<InvitedRegistrationOptions>(Wait);
        var a = _f.NewAuthenticator();
        var b = _f.NewAuthenticator("alice2@example.org");
        _authn.Tell(new CompleteInvitedRegistration { RequestId = "c1", Token = created.Token, CeremonyId = first.CeremonyId,
            AttestationResponseJson = a.Register(first.OptionsJson, _f.Rp.PrimaryOrigin) }, TestActor);
        ExpectMsg<ParticipantEnrolled>(Wait);
        _authn.Tell(new CompleteInvitedRegistration { RequestId = "c2", Token = created.Token, CeremonyId = second.CeremonyId,
            AttestationResponseJson = b.Register(second.OptionsJson, _f.Rp.PrimaryOrigin) }, TestActor);
        ExpectRefusal("authn.invitationused");
        Assert.That(_f.Registry.Registry.List(), Has.Count.EqualTo(1));
    }

    [Test]
    public void Expired_invitation_is_refused()
    {
        var created = Invite(lifetimeSeconds: 3600);
        _f.Clock.Now += TimeSpan.FromHours(1);
        _authn.Tell(new BeginInvitedRegistration { RequestId = "b", Token = created.Token }, TestActor);
        Assert.That(ExpectRefusal("authn.invitationexpired").Error.Message, Does.Contain("expired"));
    }

    [TestCase("")]
    [TestCase("not-a-token")]
    [TestCase("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // well-formed, never issued
    public void Forged_or_malformed_token_is_refused(string token)
    {
        Invite();
        _authn.Tell(new BeginInvitedRegistration { RequestId = "b", Token = token }, TestActor);
        Assert.That(ExpectRefusal("authn.invitationunknown").Error.Message, Does.Contain("not valid"));
    }

    [Test]
    public void A_ceremony_begun_outside_the_invitation_cannot_ride_on_it()
    {
        var created = Invite(role: Role.Engineer);
        // Someone starts an ordinary registration as steward and presents it with the engineer invitation's token.
        _authn.Tell(new BeginRegistration { RequestId = "r", Name = "Alice", Email = "alice@example.org", Role = Role.Steward }, TestActor);
        var options = ExpectMsg<RegistrationOptions>(Wait);
        _authn.Tell(new CompleteInvitedRegistration { RequestId = "c", Token = created.Token, CeremonyId = options.CeremonyId,
            AttestationResponseJson = _f.NewAuthenticator().Register(options.OptionsJson, _f.Rp.PrimaryOrigin) }, TestActor);
        ExpectRefusal("authn.invitationmismatch");
        Assert.That(_f.Registry.Registry.List(), Is.Empty);
        Assert.That(_store.Find(InvitationTokens.HashOf(created.Token)!)!.ConsumedAtUnixMs, Is.Zero);
    }

    [TestCase("", "alice@example.org", Role.Engineer, 0, "authn.invalidname")]
    [TestCase("Alice", "not-an-email", Role.Engineer, 0, "authn.invalidemail")]
    [TestCase("Alice", "alice@example.org", Role.Unspecified, 0, "authn.invalidrole")]
    [TestCase("Alice", "alice@example.org", Role.Engineer, 59, "authn.invitationlifetimeinvalid")]
    [TestCase("Alice", "alice@example.org", Role.Engineer, 31 * 86400, "authn.invitationlifetimeinvalid")]
    public void Bad_invitation_request_is_refused(string name, string email, Role role, long seconds, string code)
    {
        _authn.Tell(new CreateInvitation { RequestId = "i", Name = name, Email = email, Role = role, LifetimeSeconds = seconds }, TestActor);
        ExpectRefusal(code);
    }

    [TestCase("90m", 90)]
    [TestCase("24h", 24 * 60)]
    [TestCase("7d", 7 * 24 * 60)]
    public void Lifetime_parses(string text, int minutes) =>
        Assert.That(InvitationTokens.ParseLifetime(text), Is.EqualTo(TimeSpan.FromMinutes(minutes)));

    [TestCase("")]
    [TestCase("24")]
    [TestCase("h")]
    [TestCase("-1h")]
    [TestCase("1w")]
    public void Bad_lifetime_is_refused(string text) =>
        Assert.That(() => InvitationTokens.ParseLifetime(text), Throws.InstanceOf<AuthNException>().With.Message.Contains("--expires"));
}
