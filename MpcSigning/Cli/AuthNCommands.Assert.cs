using System.CommandLine;
using Google.Protobuf;
using MpcSigning.AuthN.Software;
using MpcSigning.AuthN.WebAuthn;

namespace MpcSigning.Cli;

public static partial class AuthNCommands
{
    /// <summary>
    /// <c>authn approve</c>: answers a session's approval challenge with the software authenticator and prints
    /// the Assertion message (proto/authn.proto) in base64, ready to send to the coordinator.
    /// </summary>
    private static Command BuildAssert(Option<string> email, Option<string?> keyDir)
    {
        var session = new Option<string>("--session") { Description = "Session id, 32 hex digits.", Required = true };
        var digest = new Option<string>("--digest") { Description = "Artifact SHA-256, 64 hex digits.", Required = true };
        var rpId = new Option<string>("--rp-id") { Description = "Relying party id.", DefaultValueFactory = _ => RelyingParty.Default.RpId };
        var origin = new Option<string>("--origin")
            { Description = "Origin reported in clientDataJSON.", DefaultValueFactory = _ => RelyingParty.Default.PrimaryOrigin };
        var approve = new Command("approve", "Sign a session's approval challenge with a software authenticator; prints the assertion (base64 protobuf).");
        foreach (var o in new Option[] { email, keyDir, session, digest, rpId, origin }) approve.Options.Add(o);
        approve.SetAction(r => Run(r, () =>
        {
            var sessionId = Hex(r.GetValue(session)!, ApprovalChallenge.SessionIdBytes, "--session");
            var artifact = Hex(r.GetValue(digest)!, ApprovalChallenge.ArtifactDigestBytes, "--digest");
            var rp = new RelyingParty(r.GetValue(rpId)!, [r.GetValue(origin)!]);
            var a = SoftwareAuthenticator.Load(r.GetValue(keyDir), r.GetValue(email)!);
            var assertion = a.GetAssertion(ApprovalChallenge.Derive(sessionId, artifact), rp);
            r.InvocationConfiguration.Output.WriteLine(Convert.ToBase64String(assertion.ToByteArray()));
        }));
        return approve;
    }

    private static byte[] Hex(string text, int bytes, string option)
    {
        var t = text.Trim();
        if (t.Length != bytes * 2 || !t.All(Uri.IsHexDigit))
            throw new FormatException($"{option} must be {bytes * 2} hex digits, got '{t}'.");
        return Convert.FromHexString(t);
    }
}
