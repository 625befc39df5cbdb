using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MpcSigning.AuthN.Software;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Hosting;
using MpcSigning.Policy;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Web;

/// <summary>
/// The approval page's HTTP endpoints with a software authenticator in the browser's place (HttpClient): invited
/// enrolment, and every refusal with its message (forged and reused invitations, cross-origin and origin-less POSTs,
/// unknown passkey, wrong role, already approved, session signed, unknown session); headers (CSP) and the gRPC services
/// kept off the web endpoint.
/// </summary>
[NonParallelizable]
public class WebEndpointTests
{
    private WebNode _web = null!;
    private HttpClient _http = null!;
    private TempDir _keys = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _web = await WebNode.StartAsync();
        _http = _web.Http();
        _keys = new TempDir();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _http.Dispose();
        await _web.DisposeAsync();
        _keys.Dispose();
    }

    private RelyingParty Rp => _web.Node.Host.RelyingParty;

    private static StringContent Json(JsonObject o) => new(o.ToJsonString(), Encoding.UTF8, "application/json");

    private static async Task<JsonObject> Read(HttpResponseMessage r) => (JsonObject)JsonNode.Parse(await r.Content.ReadAsStringAsync())!;

    /// <summary>Enrols through the page's endpoints as the browser does; returns the authenticator and the final response.</summary>
    private async Task<(SoftwareAuthenticator, HttpResponseMessage)> EnrolAsync(string token, string email)
    {
        var a = SoftwareAuthenticator.Create(_keys.Path, email);
        var options = await Read(await _http.PostAsync($"/enrol/{token}/options", Json([])));
        var answer = a.Register(options["options"]!.ToJsonString(), _web.Origin);
        var done = await _http.PostAsync($"/enrol/{token}/complete",
            Json(new JsonObject { ["ceremonyId"] = options["ceremonyId"]!.GetValue<string>(), ["credential"] = JsonNode.Parse(answer) }));
        return (a, done);
    }

    private async Task<HttpResponseMessage> ApproveAsync(string session, SoftwareAuthenticator a)
    {
        var sid = Convert.FromHexString(session);
        var status = await _web.Node.Host.Client.StatusAsync(sid);
        var challenge = ApprovalChallenge.Derive(sid, status.ArtifactDigest.Span);
        return await _http.PostAsync($"/sessions/{session}/approve",
            Json(new JsonObject { ["credential"] = JsonNode.Parse(WebNode.AssertionJson(a, challenge, Rp)) }));
    }

    private async Task<string> NewSessionAsync()
    {
        var created = await _web.Node.Host.Client.RequestSigningAsync(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), "app.tar.gz", "ci");
        return Convert.ToHexStringLower(created.SessionId.Span);
    }

    [Test, Order(1)]
    public async Task Invitation_page_shows_the_invitation_and_enrolment_consumes_it()
    {
        var token = await _web.InviteAsync("Erin <script>", "erin@example.com", Role.Steward);
        var page = await _http.GetAsync($"/enrol/{token}");
        var html = await page.Content.ReadAsStringAsync();
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(html, Does.Contain("erin@example.com").And.Contain("steward").And.Contain("Erin &lt;script&gt;").And.Not.Contain("<script>"));
        Assert.That(page.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("script-src 'self'").And.Contain("default-src 'none'"));

        var (_, done) = await EnrolAsync(token, "erin@example.com");
        Assert.That(done.StatusCode, Is.EqualTo(HttpStatusCode.OK), await done.Content.ReadAsStringAsync());
        Assert.That((await Read(done))["message"]!.GetValue<string>(), Does.Contain("enrolled as steward"));
        Assert.That((await _web.Node.Host.Client.FindParticipantAsync("erin@example.com")).Role, Is.EqualTo(Role.Steward));

        var again = await _http.GetAsync($"/enrol/{token}");
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await again.Content.ReadAsStringAsync(), Does.Contain("already used"));
        var reuse = await _http.PostAsync($"/enrol/{token}/options", Json([]));
        Assert.That((await Read(reuse))["error"]!.GetValue<string>(), Does.Contain("already used"));
    }

    [Test]
    public async Task Session_page_shows_artifact_requester_and_the_sessions_rule_as_text()
    {
        var digest = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var created = await _web.Node.Host.Client.RequestSigningAsync(digest, "app-<b>1</b>.tar.gz", "ci {{digest}} \u202Eevil");
        var session = Convert.ToHexStringLower(created.SessionId.Span);
        var html = await (await _http.GetAsync($"/sessions/{session}")).Content.ReadAsStringAsync();
        Assert.That(html, Does.Contain("app-&lt;b&gt;1&lt;/b&gt;.tar.gz").And.Not.Contain("<b>1</b>"));
        // the requester's own "{{digest}}" stays text; the bidi override is shown as an escape, not applied
        var text = WebUtility.HtmlDecode(html);
        Assert.That(text, Does.Contain("ci {{digest}} \\u{202E}evil"));
        Assert.That(text, Does.Not.Contain("\u202E"));
        Assert.That(html, Does.Contain(Convert.ToHexStringLower(digest)));
        Assert.That(html, Does.Match(@"\d engineer\(s\) and \d steward\(s\), distinct people"));
    }

    [Test]
    public async Task Forged_invitation_is_refused_on_the_page()
    {
        var page = await _http.GetAsync("/enrol/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("not valid"));
    }

    [Test]
    public async Task Posts_from_another_origin_or_without_one_are_refused()
    {
        var token = await _web.InviteAsync("Frank", "frank@example.com", Role.Engineer);
        using var bare = _web.Http(sendOrigin: false);
        var none = await bare.PostAsync($"/enrol/{token}/options", Json([]));
        Assert.That(none.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await Read(none))["error"]!.GetValue<string>(), Does.Contain("no Origin"));

        var request = new HttpRequestMessage(HttpMethod.Post, $"/enrol/{token}/options") { Content = Json([]) };
        request.Headers.Add("Origin", "https://evil.example");
        using var evil = _web.Http(sendOrigin: false);
        var cross = await evil.SendAsync(request);
        Assert.That(cross.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await Read(cross))["error"]!.GetValue<string>(), Does.Contain("https://evil.example"));

        var form = await _http.PostAsync($"/enrol/{token}/options", new StringContent("a=b", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.That(form.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Web_endpoint_does_not_serve_the_grpc_services()
    {
        var r = await _http.PostAsync("/mpcsign.authn.AuthN/CreateInvitation", new ByteArrayContent([0, 0, 0, 0, 0]));
        Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test, Order(99)]
    public async Task Approval_of_an_expired_session_is_refused()
    {
        var (engineer, enrolled) = await EnrolAsync(await _web.InviteAsync("Lea", "lea@example.com", Role.Engineer), "lea@example.com");
        Assert.That(enrolled.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var session = await NewSessionAsync();
        _web.Node.Clock.Advance(_web.Node.Host.Config.Coordinator.SessionTtl + TimeSpan.FromMinutes(1));
        var refused = await ApproveAsync(session, engineer);
        Assert.That((await Read(refused))["error"]!.GetValue<string>(), Does.Contain("expired at"));
        var status = await Read(await _http.GetAsync($"/sessions/{session}/status"));
        Assert.That(status["closed"]!.GetValue<string>(), Does.Contain("expired before it had its quorum"));
    }

    [Test, Order(100)] // last: the first signed session puts trust policy v1 in force, which gates enrolment
    public async Task Approvals_are_refused_with_a_message_for_each_reason()
    {
        var (engineer, e1) = await EnrolAsync(await _web.InviteAsync("Gina", "gina@example.com", Role.Engineer), "gina@example.com");
        var (engineer2, e2) = await EnrolAsync(await _web.InviteAsync("Hank", "hank@example.com", Role.Engineer), "hank@example.com");
        var (steward, s1) = await EnrolAsync(await _web.InviteAsync("Ivy", "ivy@example.com", Role.Steward), "ivy@example.com");
        var (steward2, s2) = await EnrolAsync(await _web.InviteAsync("Jon", "jon@example.com", Role.Steward), "jon@example.com");
        Assert.That(new[] { e1, e2, s1, s2 }.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
        var session = await NewSessionAsync();

        var stranger = SoftwareAuthenticator.Create(_keys.Path, "stranger@example.com");
        Assert.That((await Read(await ApproveAsync(session, stranger)))["error"]!.GetValue<string>(), Does.Contain("not enrolled on this node (not invited)"));

        var ok = await ApproveAsync(session, engineer);
        Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK), await ok.Content.ReadAsStringAsync());
        Assert.That((await Read(ok))["message"]!.GetValue<string>(), Does.Contain("Approved by Gina"));

        var twice = await Read(await ApproveAsync(session, engineer));
        Assert.That(twice["error"]!.GetValue<string>(), Does.Contain("already approved"));
        var wrongRole = await Read(await ApproveAsync(session, engineer2));
        Assert.That(wrongRole["error"]!.GetValue<string>(), Does.Contain("is engineer, a role this session no longer needs"));

        Assert.That((await ApproveAsync(session, steward)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await ApproveAsync(session, steward2)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        SessionStatus status;
        do status = await _web.Node.Host.Client.StatusAsync(Convert.FromHexString(session));
        while (status.Phase == SessionPhase.Signing && await Task.Delay(100).ContinueWith(_ => true));
        Assert.That(status.Phase, Is.EqualTo(SessionPhase.Completed), status.Failure?.Message);
        var late = await Read(await ApproveAsync(session, engineer2));
        Assert.That(late["error"]!.GetValue<string>(), Does.Contain("already signed"));

        // Trust policy v1 is now in force: an invited enrolment the policy does not name becomes a proposed v2 (the
        // invitation is spent on it), which takes effect once v1's stewards approve it on the session page.
        var token = await _web.InviteAsync("Kim", "kim@example.com", Role.Steward);
        var (kim, proposed) = await EnrolAsync(token, "kim@example.com");
        Assert.That(proposed.StatusCode, Is.EqualTo(HttpStatusCode.OK), await proposed.Content.ReadAsStringAsync());
        var answer = await Read(proposed);
        Assert.That(answer["message"]!.GetValue<string>(), Does.Contain("Trust policy v1 is in force").And.Contain("proposed as v2"));
        var change = answer["session"]!.GetValue<string>();
        Assert.That(await (await _http.GetAsync($"/enrol/{token}")).Content.ReadAsStringAsync(), Does.Contain("already used"));
        Assert.That(() => _web.Node.Host.Client.FindParticipantAsync("kim@example.com"), Throws.InstanceOf<ServiceRefusedException>(), "not in before the stewards approve");
        Assert.That((await Read(await ApproveAsync(change, kim)))["error"]!.GetValue<string>(), Does.Contain("not enrolled"));

        Assert.That((await ApproveAsync(change, engineer)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await ApproveAsync(change, steward)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await ApproveAsync(change, steward2)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        // the node records v2 on its own (no 'policy apply': the running node holds the data directory)
        Participant? enrolled = null;
        for (var i = 0; i < 300 && enrolled is null; i++)
        {
            try
            {
                enrolled = await _web.Node.Host.Client.FindParticipantAsync("kim@example.com");
            }
            catch (ServiceRefusedException)
            {
                await Task.Delay(100);
            }
        }
        Assert.That(enrolled, Is.Not.Null, "v2 was not applied after its stewards approved");
        Assert.That(_web.Node.Host.Policy.Current()!.Version, Is.EqualTo(2));
        Assert.That(enrolled!.Role, Is.EqualTo(Role.Steward));
        Assert.That(enrolled.CredentialPublicKeyCose.IsEmpty, Is.False, "the registration's COSE key is kept, not rebuilt from the policy's SPKI");
        // the applier enrols first, then clears the proposal it applied: wait for that last step too (bounded)
        for (var i = 0; i < 100 && PolicyProposals.Pending(_web.Node.Host.Data).Count > 0; i++) await Task.Delay(100);
        Assert.That(PolicyProposals.Pending(_web.Node.Host.Data), Is.Empty);

        // Kim now approves like anyone the policy names
        var next = await NewSessionAsync();
        var byKim = await ApproveAsync(next, kim);
        Assert.That(byKim.StatusCode, Is.EqualTo(HttpStatusCode.OK), await byKim.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Unknown_session_is_refused_on_the_page()
    {
        var page = await _http.GetAsync("/sessions/" + new string('0', 32));
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("unknown").IgnoreCase.Or.Contain("no session").IgnoreCase);
        var bad = await _http.GetAsync("/sessions/xyz");
        Assert.That(await bad.Content.ReadAsStringAsync(), Does.Contain("is not a session id"));
    }

    [Test]
    public async Task Static_files_are_served_from_the_assembly()
    {
        var js = await _http.GetAsync("/static/app.js");
        Assert.That(js.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/javascript"));
        Assert.That(await js.Content.ReadAsStringAsync(), Does.Contain("navigator.credentials.get"));
        Assert.That((await _http.GetAsync("/static/../mpcsign.db")).StatusCode, Is.Not.EqualTo(HttpStatusCode.OK));
        Assert.That((await _http.GetAsync("/static/other.js")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }
}
