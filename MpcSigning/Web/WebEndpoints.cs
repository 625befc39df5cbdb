using System.Buffers.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MpcSigning.AuthN;
using MpcSigning.AuthN.Passkeys;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Hosting;
using MpcSigning.Proto.AuthN;
using MpcSigning.Proto.Coordinator;

namespace MpcSigning.Web;

/// <summary>
/// The approval web page, served by the node's Kestrel on the Web:Listen endpoint: <c>/enrol/{token}</c> (register a
/// passkey from an invitation) and <c>/sessions/{id}</c> (a session's state, polled, and "Approve with passkey"). Plain
/// HTML with one script and one style sheet from this assembly, a strict CSP, and POSTs accepted only from the page's
/// own origin. Every refusal is a JSON <c>{"error": "..."}</c> the page shows as it is.
/// </summary>
public static partial class WebEndpoints
{
    private const string Csp = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private const int MaxBodyBytes = 64 * 1024;

    public static void Map(WebApplication app, NodeHost node, Func<int> webPort)
    {
        var passkeys = new PasskeyCeremonies(node.RelyingParty, node.Config.WebAuthn, TimeProvider.System);
        app.Use(async (ctx, next) =>
        {
            var onWeb = ctx.Connection.LocalPort == webPort();
            if (!IsWebPath(ctx.Request.Path))
            {
                // The web endpoint has no client certificate: it must never reach the gRPC services.
                if (onWeb) ctx.Response.StatusCode = StatusCodes.Status404NotFound;
                else await next();
                return;
            }
            var h = ctx.Response.Headers;
            h.ContentSecurityPolicy = Csp;
            h.XContentTypeOptions = "nosniff";
            h["Referrer-Policy"] = "no-referrer";
            h.XFrameOptions = "DENY";
            h.CacheControl = "no-store";
            if (HttpMethods.IsPost(ctx.Request.Method) && CrossOrigin(ctx, node.RelyingParty) is { } problem)
            {
                await Error(ctx, StatusCodes.Status403Forbidden, problem);
                return;
            }
            await next();
        });

        app.MapGet("/static/{file}", (string file) => Assets.Serve(file));
        SignInEndpoints.Map(app, node, passkeys);

        app.MapGet("/enrol/{token}", async (string token) =>
        {
            try
            {
                var options = await node.Client.BeginInvitedRegistrationAsync(token);
                var i = options.Invitation;
                return Page("enrol.html", "Register your passkey", new()
                {
                    ["name"] = i.Name, ["email"] = i.Email, ["role"] = RoleNames.ToName(i.Role),
                    ["expires"] = DateTimeOffset.FromUnixTimeMilliseconds(i.ExpiresAtUnixMs).ToString("u"),
                    ["token"] = token,
                });
            }
            catch (ServiceRefusedException e)
            {
                return Refused("Invitation refused", e.Error.Message);
            }
        });
        app.MapPost("/enrol/{token}/options", async (string token) =>
        {
            try
            {
                var o = await node.Client.BeginInvitedRegistrationAsync(token);
                return Json(new JsonObject { ["ceremonyId"] = Base64Url.EncodeToString(o.CeremonyId.Span), ["options"] = JsonNode.Parse(o.OptionsJson) });
            }
            catch (ServiceRefusedException e)
            {
                return Fail(StatusCodes.Status403Forbidden, e.Error.Message);
            }
        });
        app.MapPost("/enrol/{token}/complete", async (string token, HttpRequest request) =>
        {
            var body = await Body(request);
            if (body?["ceremonyId"]?.GetValue<string>() is not { } ceremony || !Base64Url.IsValid(ceremony) || body["credential"] is not JsonObject credential)
                return Fail(StatusCodes.Status400BadRequest, "the registration answer must carry ceremonyId and credential; reload the page and try again");
            try
            {
                var reply = await node.Client.CompleteInvitedRegistrationAsync(token, Base64Url.DecodeFromChars(ceremony), credential.ToJsonString());
                if (reply is InvitedEnrolmentNeedsPolicyChange pending)
                {
                    try
                    {
                        return Json(await ProposeEnrolmentAsync(node, pending.Participant));
                    }
                    catch (Policy.PolicyException e)
                    {
                        // the invitation is spent; nothing else changed
                        return Fail(StatusCodes.Status409Conflict, $"your passkey is registered but its enrolment cannot be proposed: {e.Message}; ask the operator for a new invitation");
                    }
                }
                var p = ((ParticipantEnrolled)reply).Participant;
                return Json(new JsonObject { ["message"] = $"{p.Name} <{p.Email}> is enrolled as {RoleNames.ToName(p.Role)}. You can now approve sessions with this passkey." });
            }
            catch (ServiceRefusedException e)
            {
                return Fail(StatusCodes.Status403Forbidden, e.Error.Message);
            }
        });

        app.MapGet("/sessions/{id}", async (string id) =>
        {
            if (SessionId(id) is not { } sid) return Refused("No such session", $"'{id}' is not a session id (32 hex characters)");
            try
            {
                var s = await node.Client.StatusAsync(sid);
                return Page("session.html", "Signing session " + id, new()
                {
                    ["session"] = Convert.ToHexStringLower(sid), ["digest"] = Convert.ToHexStringLower(s.ArtifactDigest.Span),
                    ["artifact"] = Text.Printable(s.ArtifactName), ["requester"] = s.Requester.Length == 0 ? "(not given)" : Text.Printable(s.Requester),
                    ["policy"] = s.Policy is { } rule
                        ? $"{rule.RequiredEngineers} engineer(s) and {rule.RequiredStewards} steward(s), distinct people"
                        : $"{node.Config.Coordinator.Policy.RequiredEngineers} engineer(s) and {node.Config.Coordinator.Policy.RequiredStewards} steward(s)",
                });
            }
            catch (ServiceRefusedException e)
            {
                return Refused("Session refused", e.Error.Message);
            }
        });
        app.MapGet("/sessions/{id}/status", async (string id) =>
        {
            if (SessionId(id) is not { } sid) return Fail(StatusCodes.Status404NotFound, $"'{id}' is not a session id (32 hex characters)");
            try
            {
                return Json(StatusJson(await node.Client.StatusAsync(sid)));
            }
            catch (ServiceRefusedException e)
            {
                return Fail(StatusCodes.Status404NotFound, e.Error.Message);
            }
        });
        app.MapPost("/sessions/{id}/options", async (string id) =>
        {
            if (SessionId(id) is not { } sid) return Fail(StatusCodes.Status404NotFound, $"'{id}' is not a session id (32 hex characters)");
            try
            {
                var s = await node.Client.StatusAsync(sid);
                if (Closed(s) is { } closed) return Fail(StatusCodes.Status409Conflict, closed);
                var challenge = ApprovalChallenge.Derive(sid, s.ArtifactDigest.Span);
                return Json(new JsonObject { ["options"] = JsonNode.Parse(passkeys.AssertionOptionsJson(challenge, [])) });
            }
            catch (ServiceRefusedException e)
            {
                return Fail(StatusCodes.Status404NotFound, e.Error.Message);
            }
        });
        app.MapPost("/sessions/{id}/approve", async (string id, HttpRequest request) =>
        {
            if (SessionId(id) is not { } sid) return Fail(StatusCodes.Status404NotFound, $"'{id}' is not a session id (32 hex characters)");
            var body = await Body(request);
            if (body?["credential"] is not JsonObject credential)
                return Fail(StatusCodes.Status400BadRequest, "the approval must carry the passkey's answer (credential); reload the page and try again");
            Assertion assertion;
            try
            {
                assertion = PasskeyCeremonies.AssertionFromJson(credential.ToJsonString());
            }
            catch (AuthNException e)
            {
                return Fail(StatusCodes.Status400BadRequest, e.Message);
            }
            try
            {
                Participant p;
                try
                {
                    p = await node.Client.FindParticipantByCredentialIdAsync(assertion.CredentialId.ToByteArray());
                }
                catch (ServiceRefusedException)
                {
                    return Fail(StatusCodes.Status403Forbidden, "this passkey is not enrolled on this node (not invited); ask your operator for an invitation");
                }
                var s = await node.Client.StatusAsync(sid);
                if (Closed(s) is { } closed) return Fail(StatusCodes.Status409Conflict, closed);
                if (s.Approvers.Any(a => a.Email == p.Email))
                    return Fail(StatusCodes.Status409Conflict, $"{p.Name} <{p.Email}> has already approved this session");
                var needed = p.Role == Role.Engineer ? s.EngineersNeeded : p.Role == Role.Steward ? s.StewardsNeeded : 0;
                if (needed == 0)
                    return Fail(StatusCodes.Status403Forbidden,
                        $"{p.Name} <{p.Email}> is {RoleNames.ToName(p.Role)}, a role this session no longer needs (still needed: " +
                        $"{s.EngineersNeeded} engineer(s), {s.StewardsNeeded} steward(s)); ask someone with the needed role");
                var after = await node.Client.ApproveAsync(sid, p.Email, assertion, p.Role);
                return Json(new JsonObject { ["message"] = $"Approved by {p.Name} <{p.Email}> as {RoleNames.ToName(p.Role)}.", ["status"] = StatusJson(after) });
            }
            catch (ServiceRefusedException e)
            {
                return Fail(StatusCodes.Status403Forbidden, e.Error.Message);
            }
        });
    }

    private static bool IsWebPath(PathString path) =>
        path.StartsWithSegments("/enrol") || path.StartsWithSegments("/sessions") || path.StartsWithSegments("/static") ||
        path.StartsWithSegments("/signin") || path.StartsWithSegments("/signout");

    /// <summary>CSRF: a POST must come from the page's own origin (the Origin header, which browsers always send on POST).</summary>
    private static string? CrossOrigin(HttpContext ctx, RelyingParty rp)
    {
        var origin = ctx.Request.Headers.Origin.ToString();
        var own = $"{ctx.Request.Scheme}://{ctx.Request.Host}";
        if (origin.Length == 0) return "refused: the request has no Origin header; use the page in a browser";
        if (!string.Equals(origin, own, StringComparison.OrdinalIgnoreCase) && !rp.AllowedOrigins.Contains(origin))
            return $"refused: the request comes from {origin}, not from this page ({own})";
        if (!(ctx.Request.ContentType ?? "").StartsWith("application/json", StringComparison.OrdinalIgnoreCase) && ctx.Request.ContentLength is > 0)
            return "refused: the request body must be application/json";
        return null;
    }

    private static string? Closed(SessionStatus s) => s.Phase switch
    {
        SessionPhase.Completed => "this session is already signed; no more approvals are needed",
        SessionPhase.Signing => "this session already has its quorum and is being signed",
        SessionPhase.Expired => "this session expired before it had its quorum; request a new one",
        SessionPhase.Failed => "this session failed: " + (s.Failure?.Message ?? "see the node's log"),
        _ => null,
    };

    /// <summary>
    /// A signed trust policy is in force: the registered passkey becomes the next policy version, proposed as a session
    /// the current stewards approve (on this page); the node records it once they have (<see cref="Policy.ProposalApplier"/>).
    /// </summary>
    private static async Task<JsonObject> ProposeEnrolmentAsync(NodeHost node, Participant p)
    {
        var current = node.CurrentPolicy();
        var next = Policy.PolicyChanges.Enrol(current, p, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var session = Convert.ToHexStringLower(await Policy.PolicyProposals.ProposeAsync(node.Client, node.Data, next, "invitation of " + p.Email, [p]));
        Audit.Record("web", p.Email, "enrol", session, $"proposed as trust policy v{next.Version}");
        return new JsonObject
        {
            ["message"] = $"{p.Name} <{p.Email}>'s passkey is registered. Trust policy v{current.Version} is in force, so enrolling you as " +
                          $"{RoleNames.ToName(p.Role)} is proposed as v{next.Version}: it takes effect once {Math.Max(1, current.RequiredStewards)} of its " +
                          "stewards approve it on the session page.",
            ["session"] = session,
        };
    }

    private static JsonObject StatusJson(SessionStatus s)
    {
        var approvers = new JsonArray();
        foreach (var a in s.Approvers)
            approvers.Add(new JsonObject { ["name"] = a.Name, ["email"] = a.Email, ["role"] = RoleNames.ToName(a.Role) });
        return new JsonObject
        {
            ["session"] = Convert.ToHexStringLower(s.SessionId.Span), ["digest"] = Convert.ToHexStringLower(s.ArtifactDigest.Span),
            ["phase"] = s.Phase.ToString().ToLowerInvariant(), ["approvers"] = approvers,
            ["engineersNeeded"] = s.EngineersNeeded, ["stewardsNeeded"] = s.StewardsNeeded,
            ["expires"] = DateTimeOffset.FromUnixTimeMilliseconds(s.ExpiresAtUnixMs).ToString("u"),
            ["logIndex"] = s.Phase == SessionPhase.Completed ? s.LogIndex : null,
            ["closed"] = Closed(s),
        };
    }

    private static byte[]? SessionId(string id) =>
        id.Length == 32 && id.All(char.IsAsciiHexDigit) ? Convert.FromHexString(id) : null;

    internal static async Task<JsonObject?> Body(HttpRequest request)
    {
        if (request.ContentLength is > MaxBodyBytes) return null;
        try
        {
            using var reader = new StreamReader(request.Body);
            var buffer = new char[MaxBodyBytes + 1];
            var n = await reader.ReadBlockAsync(buffer);
            return n > MaxBodyBytes ? null : JsonNode.Parse(new string(buffer, 0, n)) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static IResult Json(JsonObject o) => Results.Text(o.ToJsonString(), "application/json; charset=utf-8");

    internal static IResult Fail(int status, string message) =>
        Results.Text(new JsonObject { ["error"] = message }.ToJsonString(), "application/json; charset=utf-8", statusCode: status);

    private static Task Error(HttpContext ctx, int status, string message)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json; charset=utf-8";
        return ctx.Response.WriteAsync(new JsonObject { ["error"] = message }.ToJsonString());
    }

    internal static IResult Page(string template, string title, Dictionary<string, string> values)
    {
        var encoded = values.ToDictionary(kv => kv.Key, kv => HtmlEncoder.Default.Encode(kv.Value));
        encoded["title"] = HtmlEncoder.Default.Encode(title);
        return Results.Content(Fill(template, encoded), "text/html; charset=utf-8");
    }

    /// <summary>
    /// The template with each {{key}} replaced by its (already HTML) value in one pass: a value that itself reads
    /// "{{digest}}" (a requester's free text, say) stays text.
    /// </summary>
    internal static string Fill(string template, IReadOnlyDictionary<string, string> html) =>
        Placeholder().Replace(Assets.Text(template), m => html.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);

    [System.Text.RegularExpressions.GeneratedRegex(@"\{\{([a-z]+)\}\}")]
    private static partial System.Text.RegularExpressions.Regex Placeholder();

    internal static IResult Refused(string title, string message)
    {
        var html = Assets.Text("refused.html").Replace("{{title}}", HtmlEncoder.Default.Encode(title))
            .Replace("{{message}}", HtmlEncoder.Default.Encode(message));
        return Results.Content(html, "text/html; charset=utf-8", statusCode: StatusCodes.Status403Forbidden);
    }
}
