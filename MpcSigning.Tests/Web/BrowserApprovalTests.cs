using Microsoft.Playwright;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Coordinator;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Web;

/// <summary>
/// The approval page in a real browser: Debian's chromium driven by Playwright, each person with their own Chrome
/// DevTools WebAuthn virtual authenticator (CTAP2, internal, resident keys, user verification). People enrol from
/// invitations, open the session page (one of them signs in and finds it on his sessions list) and approve with their
/// passkey; the session signs and its bundle verifies with
/// <c>mpcsign verify</c>. Refusals show on the page: user verification off, a reused invitation, a wrong role. One
/// browser process for the fixture. Without chromium the fixture fails, unless MPCSIGN_SKIP_BROWSER=1.
/// </summary>
[NonParallelizable]
public class BrowserApprovalTests
{
    private const string Chromium = "/usr/bin/chromium";
    private const float Wait = 30_000;
    private WebNode _web = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private readonly List<IBrowserContext> _contexts = [];

    [OneTimeSetUp]
    public async Task Start()
    {
        if (!File.Exists(Chromium))
        {
            if (Environment.GetEnvironmentVariable("MPCSIGN_SKIP_BROWSER") == "1")
                Assert.Ignore($"MPCSIGN_SKIP_BROWSER=1 and {Chromium} is absent: the browser tests did not run");
            Assert.Fail($"{Chromium} is not installed: install Debian's chromium (apt-get install chromium; .ci/run does) " +
                        "or set MPCSIGN_SKIP_BROWSER=1 to skip the browser tests explicitly");
        }
        _web = await WebNode.StartAsync();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            // WebAuthn needs a secure context without certificate errors: trust exactly the node's (development) key.
            Args = [$"--ignore-certificate-errors-spki-list={_web.SpkiSha256Base64}"],
            Timeout = Wait,
        });
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        foreach (var c in _contexts) await c.CloseAsync();
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
        if (_web is not null) await _web.DisposeAsync();
    }

    /// <summary>A person: a browser context and page with their own virtual authenticator.</summary>
    private async Task<IPage> PersonAsync(bool userVerified = true, bool hasUserVerification = true)
    {
        var context = await _browser.NewContextAsync();
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(Wait);
        var cdp = await context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable");
        await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2", ["transport"] = "internal", ["hasResidentKey"] = true,
                ["hasUserVerification"] = hasUserVerification, ["isUserVerified"] = userVerified, ["automaticPresenceSimulation"] = true,
            },
        });
        return page;
    }

    private async Task<string> EnrolAsync(IPage page, string token)
    {
        await page.GotoAsync($"{_web.Origin}/enrol/{token}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Register passkey" }).ClickAsync();
        return await MessageAsync(page);
    }

    /// <summary>The page's status line once the ceremony has an outcome.</summary>
    private static async Task<string> MessageAsync(IPage page)
    {
        var message = page.Locator("#message");
        await Assertions.Expect(message).Not.ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^(|Waiting for your passkey\\.\\.\\.)$"),
            new() { Timeout = Wait });
        return await message.InnerTextAsync();
    }

    private async Task<string> ApproveAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve with passkey" }).ClickAsync();
        return await MessageAsync(page);
    }

    private async Task Screenshot(IPage page, string name, string description)
    {
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "web-" + name + ".png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        TestContext.AddTestAttachment(path, description);
    }

    [Test, Order(1)]
    public async Task A_passkey_without_user_verification_is_refused()
    {
        var token = await _web.InviteAsync("Uma", "uma@example.org", Role.Engineer);
        var page = await PersonAsync(userVerified: false);
        var message = await EnrolAsync(page, token);
        // The page asks for user verification (required by default), so the browser itself refuses this authenticator.
        Assert.That(message, Is.EqualTo("Registration refused: the passkey prompt was cancelled or timed out; nothing was sent"));
        var e = Assert.ThrowsAsync<MpcSigning.Hosting.ServiceRefusedException>(() => _web.Node.Host.Client.FindParticipantAsync("uma@example.org"));
        Assert.That(e!.Error.Code, Is.EqualTo("authn.unknownparticipant"));
    }

    [Test, Order(2)]
    public async Task A_tampered_page_asking_no_user_verification_is_refused_by_the_node()
    {
        var token = await _web.InviteAsync("Vic", "vic@example.org", Role.Engineer);
        var page = await PersonAsync(userVerified: false, hasUserVerification: false);
        // A tampered client asks for no user verification: the authenticator answers with UV off, the node must refuse.
        await page.GotoAsync($"{_web.Origin}/enrol/{token}");
        var message = await page.EvaluateAsync<string>("""
            async token => {
              const b = s => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4)), c => c.charCodeAt(0));
              const post = (url, body) => fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
              const start = await (await post("/enrol/" + token + "/options", {})).json();
              const pk = start.options;
              pk.challenge = b(pk.challenge); pk.user.id = b(pk.user.id); pk.excludeCredentials = [];
              pk.authenticatorSelection.userVerification = "discouraged";
              const cred = await navigator.credentials.create({ publicKey: pk });
              const done = await (await post("/enrol/" + token + "/complete", { ceremonyId: start.ceremonyId, credential: cred.toJSON() })).json();
              return "Registration refused: " + (done.error || "accepted: " + done.message);
            }
            """, token);
        Assert.That(message, Does.StartWith("Registration refused: ").And.Contain("user verification").IgnoreCase);
        var e = Assert.ThrowsAsync<MpcSigning.Hosting.ServiceRefusedException>(() => _web.Node.Host.Client.FindParticipantAsync("vic@example.org"));
        Assert.That(e!.Error.Code, Is.EqualTo("authn.unknownparticipant"));
    }

    [Test, Order(3)]
    public async Task Three_people_enrol_from_invitations_approve_in_the_browser_and_the_bundle_verifies()
    {
        (string Name, string Email, Role Role)[] people =
            [("Ann", "ann@example.org", Role.Engineer), ("Ben", "ben@example.org", Role.Steward), ("Cat", "cat@example.org", Role.Steward),
             ("Dan", "dan@example.org", Role.Engineer)];
        var pages = new Dictionary<string, IPage>();
        var tokens = new Dictionary<string, string>();
        foreach (var (name, email, role) in people)
        {
            tokens[name] = await _web.InviteAsync(name, email, role);
            pages[name] = await PersonAsync();
            var enrolled = await EnrolAsync(pages[name], tokens[name]);
            Assert.That(enrolled, Does.Contain($"{name} <{email}> is enrolled as {(role == Role.Engineer ? "engineer" : "steward")}"));
        }

        // The invitation link works once.
        await pages["Ann"].GotoAsync($"{_web.Origin}/enrol/{tokens["Ann"]}");
        Assert.That(await pages["Ann"].Locator("#message").InnerTextAsync(), Does.Contain("already used"));

        var artifact = Path.Combine(_web.Node.Dir.Path, "app.tar.gz");
        await File.WriteAllBytesAsync(artifact, System.Security.Cryptography.RandomNumberGenerator.GetBytes(4096));
        var digest = System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(artifact));
        var created = await _web.Node.Host.Client.RequestSigningAsync(digest, "app.tar.gz", "ci");
        var session = Convert.ToHexStringLower(created.SessionId.Span);
        foreach (var page in pages.Values) await page.GotoAsync($"{_web.Origin}/sessions/{session}");
        var ann = pages["Ann"];
        await Assertions.Expect(ann.Locator("#phase")).ToHaveTextAsync("waiting for approvals", new() { Timeout = Wait });
        Assert.That(await ann.Locator("#digest").InnerTextAsync(), Is.EqualTo(Convert.ToHexStringLower(digest)));
        await Screenshot(ann, "session-before", "session page before the quorum");

        Assert.That(await ApproveAsync(ann), Does.Contain("Approved by Ann <ann@example.org> as engineer"));
        Assert.That(await ApproveAsync(pages["Dan"]), Does.Contain("is engineer, a role this session no longer needs"));

        // Ben signs in with his passkey, finds the session on his list (Ann's approval shown, his own not yet), opens it.
        var ben = pages["Ben"];
        await ben.GotoAsync($"{_web.Origin}/signin");
        await ben.GetByRole(AriaRole.Button, new() { Name = "Sign in with passkey" }).ClickAsync();
        await ben.WaitForURLAsync($"{_web.Origin}/sessions", new() { Timeout = Wait });
        var listed = ben.Locator($"li[data-session='{session}']");
        await Assertions.Expect(listed).ToContainTextAsync("you have not approved this session");
        await Assertions.Expect(listed).ToContainTextAsync("Ann <ann@example.org> as engineer");
        await Screenshot(ben, "sessions-list", "the signed-in steward's list of sessions awaiting approval");
        await ben.GetByRole(AriaRole.Link, new() { Name = $"Session {session}" }).ClickAsync();
        await Assertions.Expect(ben.Locator("#phase")).ToHaveTextAsync("waiting for approvals", new() { Timeout = Wait });
        Assert.That(await ApproveAsync(pages["Ben"]), Does.Contain("Approved by Ben"));
        Assert.That(await ApproveAsync(pages["Cat"]), Does.Contain("Approved by Cat"));

        await Assertions.Expect(ann.Locator("#phase")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^signed \\(log index \\d+\\)$"), new() { Timeout = Wait });
        await Assertions.Expect(ann.Locator("#approvers li")).ToHaveCountAsync(3);
        await Assertions.Expect(ann.GetByRole(AriaRole.Button, new() { Name = "Approve with passkey" })).ToBeDisabledAsync();
        await Screenshot(ann, "session-after", "session page after the quorum (signed)");

        var status = await _web.Node.Host.Client.StatusAsync(created.SessionId.ToByteArray());
        Assert.That(status.Phase, Is.EqualTo(SessionPhase.Completed));
        var bundle = System.Text.Encoding.UTF8.GetString(status.BundleJson.Span);
        foreach (var (_, email, _) in people.Take(3)) Assert.That(bundle, Does.Contain(email));

        await _web.StopNodeAsync();
        var verified = Mpcsign.RunWith([("MPCSIGN_ALLOW_SIMULATED_ATTESTATION", "true"), ("MPCSIGN_RP_ID", "localhost"), ("MPCSIGN_RP_ORIGIN", _web.Origin)],
            _web.Node.Dir.Path, "verify", "--artifact", artifact);
        Assert.That(verified.ExitCode, Is.Zero, verified.Err + verified.Out);
    }
}
