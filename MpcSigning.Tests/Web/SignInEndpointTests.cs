using System.Buffers.Text;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MpcSigning.AuthN.Software;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Proto.AuthN;
using MpcSigning.Tests.Support;
using MpcSigning.Web;

namespace MpcSigning.Tests.Web;

/// <summary>
/// Passkey sign-in and the signed-in person's sessions list over HTTP, a software authenticator in the browser's place:
/// no, forged or expired cookie is not signed in; foreign-challenge, replayed and expired-challenge assertions are
/// refused; a real sign-in lists a pending session, marks it approved once the person approves, and signs out.
/// </summary>
[NonParallelizable]
public class SignInEndpointTests
{
    private WebNode _web = null!;
    private HttpClient _http = null!;
    private TempDir _keys = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _web = await WebNode.StartAsync();
        _http = Client();
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

    /// <summary>A client that keeps no cookies itself (each request carries the Cookie header the test gives it).</summary>
    private HttpClient Client()
    {
        var pinned = _web.Certificate.GetPublicKey();
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert is not null && cert.GetPublicKey().AsSpan().SequenceEqual(pinned),
            AllowAutoRedirect = false, UseCookies = false,
        };
        var client = new HttpClient(handler) { BaseAddress = new Uri(_web.Origin), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("Origin", _web.Origin);
        return client;
    }

    private static StringContent Json(JsonObject o) => new(o.ToJsonString(), Encoding.UTF8, "application/json");

    private static async Task<JsonObject> Read(HttpResponseMessage r) => (JsonObject)JsonNode.Parse(await r.Content.ReadAsStringAsync())!;

    private async Task<SoftwareAuthenticator> EnrolAsync(string name, string email, Role role)
    {
        var token = await _web.InviteAsync(name, email, role);
        var a = SoftwareAuthenticator.Create(_keys.Path, email);
        var options = await Read(await _http.PostAsync($"/enrol/{token}/options", Json([])));
        var answer = a.Register(options["options"]!.ToJsonString(), _web.Origin);
        var done = await _http.PostAsync($"/enrol/{token}/complete",
            Json(new JsonObject { ["ceremonyId"] = options["ceremonyId"]!.GetValue<string>(), ["credential"] = JsonNode.Parse(answer) }));
        Assert.That(done.StatusCode, Is.EqualTo(HttpStatusCode.OK), await done.Content.ReadAsStringAsync());
        return a;
    }

    private async Task<byte[]> ChallengeAsync()
    {
        var options = await Read(await _http.PostAsync("/signin/options", Json([])));
        return Base64Url.DecodeFromChars(options["options"]!["challenge"]!.GetValue<string>());
    }

    private Task<HttpResponseMessage> PostSignInAsync(string assertionJson) =>
        _http.PostAsync("/signin", Json(new JsonObject { ["credential"] = JsonNode.Parse(assertionJson) }));

    /// <summary>Signs in; the cookie ("name=value") to send back.</summary>
    private async Task<string> SignInAsync(SoftwareAuthenticator a)
    {
        var r = await PostSignInAsync(WebNode.AssertionJson(a, await ChallengeAsync(), Rp));
        Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.OK), await r.Content.ReadAsStringAsync());
        return r.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
    }

    private async Task<(HttpStatusCode, string)> SessionsAsync(string? cookie)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/sessions");
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        var r = await _http.SendAsync(request);
        return (r.StatusCode, await r.Content.ReadAsStringAsync());
    }

    private async Task<string> NewSessionAsync()
    {
        var created = await _web.Node.Host.Client.RequestSigningAsync(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), "app.tar.gz", "ci");
        return Convert.ToHexStringLower(created.SessionId.Span);
    }

    [Test, Order(1)]
    public async Task Sessions_without_a_cookie_prompt_to_sign_in()
    {
        var (status, html) = await SessionsAsync(null);
        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(html, Does.Contain("not signed in").And.Contain("href=\"/signin\""));
        var page = await _http.GetAsync("/signin");
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("Sign in with passkey").And.Contain("/static/app.js"));
        Assert.That(page.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("script-src 'self'"));
    }

    [Test, Order(2)]
    public async Task A_forged_cookie_is_not_signed_in()
    {
        var forged = $"{SignInEndpoints.CookieName}={Base64Url.EncodeToString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))}";
        Assert.That((await SessionsAsync(forged)).Item1, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await SessionsAsync($"{SignInEndpoints.CookieName}=")).Item1, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test, Order(3)]
    public async Task Foreign_challenge_replayed_and_unenrolled_sign_ins_are_refused()
    {
        var dan = await EnrolAsync("Dan", "dan@example.com", Role.Engineer);
        var foreign = await PostSignInAsync(WebNode.AssertionJson(dan, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), Rp));
        Assert.That(foreign.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await Read(foreign))["error"]!.GetValue<string>(), Does.Contain("did not issue"));
        Assert.That(foreign.Headers.Contains("Set-Cookie"), Is.False);

        var assertion = WebNode.AssertionJson(dan, await ChallengeAsync(), Rp);
        Assert.That((await PostSignInAsync(assertion)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var replay = await PostSignInAsync(assertion);
        Assert.That(replay.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await Read(replay))["error"]!.GetValue<string>(), Does.Contain("already used"));

        var stranger = SoftwareAuthenticator.Create(_keys.Path, "stranger@example.com");
        var unknown = await PostSignInAsync(WebNode.AssertionJson(stranger, await ChallengeAsync(), Rp));
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await Read(unknown))["error"]!.GetValue<string>(), Does.Contain("not enrolled"));

        var junk = await _http.PostAsync("/signin", Json(new JsonObject { ["credential"] = "nope" }));
        Assert.That(junk.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test, Order(4)]
    public async Task Signed_in_person_sees_a_pending_session_then_it_marked_approved_then_signs_out()
    {
        var eve = await EnrolAsync("Eve <b>", "eve@example.com", Role.Engineer);
        var session = await NewSessionAsync();
        var options = await _http.PostAsync("/signin/options", Json([]));
        var signIn = await PostSignInAsync(WebNode.AssertionJson(eve,
            Base64Url.DecodeFromChars((await Read(options))["options"]!["challenge"]!.GetValue<string>()), Rp));
        Assert.That(signIn.StatusCode, Is.EqualTo(HttpStatusCode.OK), await signIn.Content.ReadAsStringAsync());
        var setCookie = signIn.Headers.GetValues("Set-Cookie").Single();
        Assert.That(setCookie.ToLowerInvariant(), Does.StartWith(SignInEndpoints.CookieName.ToLowerInvariant() + "=")
            .And.Contain("httponly").And.Contain("secure").And.Contain("samesite=strict").And.Contain("path=/"));
        var cookie = setCookie.Split(';')[0];

        var (status, html) = await SessionsAsync(cookie);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), html);
        Assert.That(html, Does.Contain("Eve &lt;b&gt;").And.Not.Contain("Eve <b>"));
        Assert.That(html, Does.Contain($"href=\"/sessions/{session}\"").And.Contain("you have not approved this session")
            .And.Contain("<dd>app.tar.gz</dd>").And.Contain("<dd>ci</dd>"));

        var sid = Convert.FromHexString(session);
        var s = await _web.Node.Host.Client.StatusAsync(sid);
        var approve = await _http.PostAsync($"/sessions/{session}/approve", Json(new JsonObject
        {
            ["credential"] = JsonNode.Parse(WebNode.AssertionJson(eve, ApprovalChallenge.Derive(sid, s.ArtifactDigest.Span), Rp)),
        }));
        Assert.That(approve.StatusCode, Is.EqualTo(HttpStatusCode.OK), await approve.Content.ReadAsStringAsync());

        (status, html) = await SessionsAsync(cookie);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(html, Does.Contain($"data-session=\"{session}\"").And.Contain("you have approved this session")
            .And.Contain("Eve &lt;b&gt; &lt;eve@example.com&gt; as engineer"));

        var signOut = new HttpRequestMessage(HttpMethod.Post, "/signout");
        signOut.Headers.Add("Cookie", cookie);
        var outcome = await _http.SendAsync(signOut);
        Assert.That(outcome.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(outcome.Headers.Location!.OriginalString, Is.EqualTo("/signin"));
        Assert.That((await SessionsAsync(cookie)).Item1, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test, Order(100)] // last (NUnit runs ordered tests first): moves the node's clock
    public async Task Expired_cookie_and_expired_challenge_are_refused()
    {
        var fay = await EnrolAsync("Fay", "fay@example.com", Role.Steward);
        var cookie = await SignInAsync(fay);
        Assert.That((await SessionsAsync(cookie)).Item1, Is.EqualTo(HttpStatusCode.OK));

        var stale = await ChallengeAsync();
        _web.Node.Clock.Advance(SignInStore.ChallengeLifetime + TimeSpan.FromSeconds(1));
        var late = await PostSignInAsync(WebNode.AssertionJson(fay, stale, Rp));
        Assert.That(late.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await Read(late))["error"]!.GetValue<string>(), Does.Contain("expired"));

        _web.Node.Clock.Advance(SignInStore.SessionLifetime);
        var (status, html) = await SessionsAsync(cookie);
        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(html, Does.Contain("not signed in"));
    }
}
