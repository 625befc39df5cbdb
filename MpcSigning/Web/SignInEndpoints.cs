using System.Buffers.Text;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using MpcSigning.AuthN;
using MpcSigning.AuthN.Passkeys;
using MpcSigning.Hosting;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Coordinator;

namespace MpcSigning.Web;

/// <summary>
/// Passkey sign-in and the signed-in person's sessions list: <c>/signin</c> (page; POST <c>/signin/options</c> issues
/// a one-time challenge, POST <c>/signin</c> verifies the assertion in the AuthN actor and sets the sign-in cookie),
/// POST <c>/signout</c>, and <c>/sessions</c> (the sessions awaiting approval, rendered on the server, no script).
/// </summary>
internal static class SignInEndpoints
{
    /// <summary>__Host-: the browser keeps it only if Secure, Path=/ and without Domain.</summary>
    public const string CookieName = "__Host-mpcsign-signin";

    public static void Map(WebApplication app, NodeHost node, PasskeyCeremonies passkeys)
    {
        var store = new SignInStore(node.Clock);

        app.MapGet("/signin", () => WebEndpoints.Page("signin.html", "Sign in", []));
        app.MapPost("/signin/options", () =>
        {
            if (store.IssueChallenge() is not { } challenge)
                return WebEndpoints.Fail(StatusCodes.Status503ServiceUnavailable, "too many sign-ins are under way on this node; try again in a minute");
            return WebEndpoints.Json(new JsonObject { ["options"] = JsonNode.Parse(passkeys.AssertionOptionsJson(challenge, [])) });
        });
        app.MapPost("/signin", async (HttpContext ctx) =>
        {
            var body = await WebEndpoints.Body(ctx.Request);
            if (body?["credential"] is not JsonObject credential)
                return WebEndpoints.Fail(StatusCodes.Status400BadRequest, "the sign-in must carry the passkey's answer (credential); reload the page and try again");
            Assertion assertion;
            try
            {
                assertion = PasskeyCeremonies.AssertionFromJson(credential.ToJsonString());
            }
            catch (AuthNException e)
            {
                return WebEndpoints.Fail(StatusCodes.Status400BadRequest, e.Message);
            }
            if (ChallengeOf(assertion) is not { } challenge || !store.ConsumeChallenge(challenge))
                return WebEndpoints.Fail(StatusCodes.Status403Forbidden,
                    "sign-in refused: the passkey signed a challenge this page did not issue, or one already used or expired " +
                    $"(they last {SignInStore.ChallengeLifetime.TotalMinutes:0} minutes); reload the page and sign in again");
            Participant p;
            try
            {
                p = await node.Client.VerifySignInAsync(challenge, assertion);
            }
            catch (ServiceRefusedException e)
            {
                return WebEndpoints.Fail(StatusCodes.Status403Forbidden, e.Error.Message);
            }
            ctx.Response.Cookies.Append(CookieName, store.SignIn(p.Email), new CookieOptions
            {
                HttpOnly = true, Secure = true, SameSite = SameSiteMode.Strict, Path = "/", MaxAge = SignInStore.SessionLifetime, IsEssential = true,
            });
            return WebEndpoints.Json(new JsonObject { ["message"] = $"Signed in as {p.Name} <{p.Email}>.", ["location"] = "/sessions" });
        });
        app.MapPost("/signout", (HttpContext ctx) =>
        {
            store.SignOut(ctx.Request.Cookies[CookieName]);
            ctx.Response.Cookies.Delete(CookieName, new CookieOptions { HttpOnly = true, Secure = true, SameSite = SameSiteMode.Strict, Path = "/" });
            return Results.Redirect("/signin", permanent: false, preserveMethod: false);
        });
        app.MapGet("/sessions", async (HttpContext ctx) =>
        {
            if (store.Who(ctx.Request.Cookies[CookieName]) is not { } email)
                return Html(Assets.Text("signedout.html").Replace("{{title}}", "Not signed in"), StatusCodes.Status401Unauthorized);
            Participant me;
            IReadOnlyList<SessionStatus> sessions;
            try
            {
                me = await node.Client.FindParticipantAsync(email);
                sessions = await node.Client.ListSessionsAsync();
            }
            catch (ServiceRefusedException e)
            {
                return WebEndpoints.Refused("Sessions refused", e.Error.Message);
            }
            var now = node.Clock.GetUtcNow().ToUnixTimeMilliseconds();
            var waiting = sessions.Where(s => s.Phase == SessionPhase.AwaitingApprovals && s.ExpiresAtUnixMs > now).OrderBy(s => s.ExpiresAtUnixMs).ToList();
            var html = WebEndpoints.Fill("sessions.html", new Dictionary<string, string>
            {
                ["title"] = "Sessions awaiting approval",
                ["who"] = Enc($"{me.Name} <{me.Email}> ({RoleNames.ToName(me.Role)})"),
                ["list"] = List(waiting, me.Email),
            });
            return Html(html, StatusCodes.Status200OK);
        });
    }

    /// <summary>The challenge in the assertion's clientDataJSON (Fido2 checks it again against the one we pass).</summary>
    private static byte[]? ChallengeOf(Assertion a)
    {
        try
        {
            using var doc = JsonDocument.Parse(a.ClientDataJson.Memory);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("challenge", out var c) &&
                   c.ValueKind == JsonValueKind.String && c.GetString() is { } s && Base64Url.IsValid(s) && Base64Url.DecodeFromChars(s) is { Length: 32 } bytes
                ? bytes
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string List(List<SessionStatus> sessions, string email)
    {
        if (sessions.Count == 0) return "<p id=\"none\">No session is waiting for approval.</p>";
        var sb = new StringBuilder("<ul id=\"list\">\n");
        foreach (var s in sessions)
        {
            var id = Convert.ToHexStringLower(s.SessionId.Span);
            var approvers = s.Approvers.Count == 0 ? "nobody yet"
                : string.Join(", ", s.Approvers.Select(a => $"{a.Name} <{a.Email}> as {RoleNames.ToName(a.Role)}"));
            var mine = s.Approvers.Any(a => a.Email == email);
            sb.Append($"<li class=\"session\" data-session=\"{id}\">\n<h2><a href=\"/sessions/{id}\">Session {id}</a></h2>\n<dl>\n")
                .Append($"<dt>Artifact</dt><dd>{Enc(Text.Printable(s.ArtifactName))}</dd>\n")
                .Append($"<dt>Requested by</dt><dd>{Enc(s.Requester.Length == 0 ? "(not given)" : Text.Printable(s.Requester))}</dd>\n")
                .Append($"<dt>Artifact SHA-256</dt><dd><code>{Convert.ToHexStringLower(s.ArtifactDigest.Span)}</code></dd>\n")
                .Append("<dt>State</dt><dd>waiting for approvals</dd>\n")
                .Append($"<dt>Expires</dt><dd>{DateTimeOffset.FromUnixTimeMilliseconds(s.ExpiresAtUnixMs):u}</dd>\n")
                .Append($"<dt>Approved by</dt><dd>{Enc(approvers)}</dd>\n")
                .Append($"<dt>Still needed</dt><dd>{s.EngineersNeeded} engineer(s), {s.StewardsNeeded} steward(s)</dd>\n")
                .Append($"<dt>You</dt><dd class=\"{(mine ? "approved" : "pending")}\">{(mine ? "you have approved this session" : "you have not approved this session")}</dd>\n")
                .Append("</dl>\n</li>\n");
        }
        return sb.Append("</ul>").ToString();
    }

    private static string Enc(string s) => HtmlEncoder.Default.Encode(s);

    private static IResult Html(string html, int status) => Results.Content(html, "text/html; charset=utf-8", statusCode: status);
}
