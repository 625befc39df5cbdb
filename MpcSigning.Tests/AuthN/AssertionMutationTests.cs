using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using MpcSigning.AuthN;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Proto.AuthN;
using F = Fido2NetLib.Objects.AuthenticatorFlags;

namespace MpcSigning.Tests.AuthN;

/// <summary>
/// Every refusal of WebAuthn L3 section 7.2, one named mutation of a valid assertion each, run by one loader.
/// Mutations that target a check before the signature are re-signed, so they fail at that check and not at
/// the signature; "tampered-*" mutations are deliberately not re-signed.
/// </summary>
public class AssertionMutationTests
{
    private const F UpUv = F.UP | F.UV;

    private sealed record Mutation(string Name, Func<AssertionForge, Assertion> Make, AuthNError Expected,
        uint Stored = AssertionForge.StoredCount);

    private static IEnumerable<Mutation> Mutations()
    {
        // clientDataJSON, steps 9-14
        yield return new("wrong-type-create", f => f.Sign(f.ClientData(type: "webauthn.create"), AssertionForge.AuthData()), AuthNError.ClientDataWrongType);
        yield return new("wrong-type-case", f => f.Sign(f.ClientData(type: "WebAuthn.get"), AssertionForge.AuthData()), AuthNError.ClientDataWrongType);
        yield return new("wrong-challenge", f => f.Sign(f.ClientData(challenge: "AAAA"), AssertionForge.AuthData()), AuthNError.ChallengeMismatch);
        yield return new("padded-challenge", f => f.Sign(f.ClientData(challenge: f.ChallengeText + "="), AssertionForge.AuthData()), AuthNError.ChallengeMismatch);
        yield return new("other-session-challenge", f => f.Sign(f.ClientData(challenge: Base64(ApprovalChallenge.Derive(new byte[16], new byte[32]))),
            AssertionForge.AuthData()), AuthNError.ChallengeMismatch);
        yield return new("wrong-origin", f => f.Sign(f.ClientData(origin: "https://evil.example"), AssertionForge.AuthData()), AuthNError.OriginNotAllowed);
        yield return new("http-origin", f => f.Sign(f.ClientData(origin: "http://mpcsign.local"), AssertionForge.AuthData()), AuthNError.OriginNotAllowed);
        yield return new("origin-with-bidi-control", f => f.Sign(f.ClientData(origin: "https://mpc\u202Esign.local"), AssertionForge.AuthData()),
            AuthNError.OriginNotAllowed);
        yield return new("origin-with-default-port", f => f.Sign(f.ClientData(origin: "https://mpcsign.local:443"), AssertionForge.AuthData()),
            AuthNError.OriginNotAllowed);
        yield return new("origin-with-port", f => f.Sign(f.ClientData(origin: "https://mpcsign.local:8443"), AssertionForge.AuthData()), AuthNError.OriginNotAllowed);
        yield return new("cross-origin-true", f => f.Sign(f.ClientData().Replace("\"crossOrigin\":false", "\"crossOrigin\":true"), AssertionForge.AuthData()),
            AuthNError.CrossOriginNotAllowed);
        yield return new("unexpected-top-origin", f => f.Sign(f.ClientData(extra: ",\"topOrigin\":\"https://evil.example\""), AssertionForge.AuthData()),
            AuthNError.CrossOriginNotAllowed);
        yield return new("malformed-json", f => f.Sign(f.ClientData()[..^1], AssertionForge.AuthData()), AuthNError.ClientDataMalformed);
        yield return new("json-array", f => f.Sign("[" + f.ClientData() + "]", AssertionForge.AuthData()), AuthNError.ClientDataMalformed);
        yield return new("trailing-json", f => f.Sign(f.ClientData() + "{}", AssertionForge.AuthData()), AuthNError.ClientDataMalformed);
        yield return new("duplicate-challenge", f => f.Sign(f.ClientData(extra: ",\"challenge\":\"AAAA\""), AssertionForge.AuthData()), AuthNError.ClientDataMalformed);
        yield return new("challenge-not-string", f => f.Sign(f.ClientData().Replace($"\"{f.ChallengeText}\"", "42"), AssertionForge.AuthData()),
            AuthNError.ClientDataMalformed);
        yield return new("missing-origin", f => f.Sign($$"""{"type":"webauthn.get","challenge":"{{f.ChallengeText}}"}""", AssertionForge.AuthData()),
            AuthNError.OriginNotAllowed);
        yield return new("cross-origin-not-bool", f => f.Sign(f.ClientData().Replace("false", "\"no\""), AssertionForge.AuthData()), AuthNError.ClientDataMalformed);
        yield return new("invalid-utf8", f => f.Sign([.. Encoding.UTF8.GetBytes(f.ClientData()[..^1]), .. ",\"x\":\""u8, 0xc3, 0x28, .. "\"}"u8],
            AssertionForge.AuthData()), AuthNError.ClientDataNotUtf8);
        // authenticatorData, steps 15-20 and section 6.1
        yield return new("wrong-rpid-hash", f => f.Sign(f.ClientData(), AssertionForge.AuthData(rpId: "evil.example")), AuthNError.RpIdHashMismatch);
        yield return new("up-clear", f => f.Sign(f.ClientData(), AssertionForge.AuthData(F.UV)), AuthNError.UserNotPresent);
        yield return new("uv-clear", f => f.Sign(f.ClientData(), AssertionForge.AuthData(F.UP)), AuthNError.UserNotVerified);
        yield return new("bs-without-be", f => f.Sign(f.ClientData(), AssertionForge.AuthData(UpUv | F.BS)), AuthNError.BackupStateInconsistent);
        yield return new("at-without-data", f => f.Sign(f.ClientData(), AssertionForge.AuthData(UpUv | F.AT)), AuthNError.AuthenticatorDataTruncated);
        yield return new("at-with-truncated-key", f => f.Sign(f.ClientData(), AssertionForge.AuthData(UpUv | F.AT,
            tail: [.. new byte[16], 0x00, 0x01, 0xaa, 0xa1, 0x01])), AuthNError.AuthenticatorDataTruncated);
        yield return new("ed-without-map", f => f.Sign(f.ClientData(), AssertionForge.AuthData(UpUv | F.ED)), AuthNError.AuthenticatorDataTruncated);
        yield return new("ed-with-integer", f => f.Sign(f.ClientData(), AssertionForge.AuthData(UpUv | F.ED, tail: [0x01])), AuthNError.ExtensionsMalformed);
        yield return new("ed-indefinite-map", f => f.Sign(f.ClientData(), AssertionForge.AuthData(UpUv | F.ED, tail: [0xbf, 0xff])),
            AuthNError.ExtensionsMalformed);
        yield return new("ed-huge-declared-length", f => f.Sign(f.ClientData(), AssertionForge.AuthData(UpUv | F.ED,
            tail: [0xa1, 0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])), AuthNError.AuthenticatorDataTruncated);
        yield return new("trailing-garbage", f => f.Sign(f.ClientData(), AssertionForge.AuthData(tail: [0xa0])), AuthNError.AuthenticatorDataTruncated);
        yield return new("truncated-authdata", f => f.Sign(f.ClientData(), AssertionForge.AuthData()[..36]), AuthNError.AuthenticatorDataTruncated);
        // credential and signature, steps 5-7 and 21-22
        yield return new("wrong-credential-id", f => With(f.Valid(), a => a.CredentialId = ByteString.CopyFrom(new byte[32])), AuthNError.CredentialIdMismatch);
        yield return new("empty-signature", f => With(f.Valid(), a => a.Signature = ByteString.Empty), AuthNError.AssertionIncomplete);
        yield return new("bad-signature", f => With(f.Valid(), a => a.Signature = Flip(a.Signature, 10)), AuthNError.SignatureInvalid);
        // Fido2 reads the two INTEGERs without checking the SEQUENCE tag: the recorded signature would be malleable.
        yield return new("der-sequence-tag-changed", f => With(f.Valid(), a => a.Signature = Flip(a.Signature, 0)), AuthNError.SignatureInvalid);
        yield return new("der-trailing-byte", f => With(f.Valid(), a => a.Signature = ByteString.CopyFrom([.. a.Signature, 0x00])),
            AuthNError.SignatureInvalid);
        yield return new("raw-signature-format", f => With(f.Valid(), a => a.Signature = ByteString.CopyFrom(
            f.Key.SignData(a.AuthenticatorData.Concat(SHA256.HashData(a.ClientDataJson.Span)).ToArray(), HashAlgorithmName.SHA256))),
            AuthNError.SignatureInvalid);
        yield return new("signed-by-other-key", f => { using var k = ECDsa.Create(ECCurve.NamedCurves.nistP256); return f.Sign(Encoding.UTF8.GetBytes(f.ClientData()), AssertionForge.AuthData(), k); },
            AuthNError.SignatureInvalid);
        yield return new("tampered-authdata-counter", f => With(f.Valid(), a => a.AuthenticatorData = Flip(a.AuthenticatorData, 36)), AuthNError.SignatureInvalid);
        yield return new("tampered-authdata-flags", f => With(f.Valid(), a => a.AuthenticatorData = Flip(a.AuthenticatorData, 32, 0x08)), AuthNError.SignatureInvalid);
        yield return new("tampered-clientdata", f => With(f.Valid(), a => a.ClientDataJson = ByteString.CopyFromUtf8(a.ClientDataJson.ToStringUtf8() + " ")),
            AuthNError.SignatureInvalid);
        // counter, step 23
        yield return new("counter-equal-replay", f => f.Valid(), AuthNError.SignCountNotIncreased, Stored: AssertionForge.NextCount);
        yield return new("counter-rollback", f => f.Valid(), AuthNError.SignCountNotIncreased, Stored: 1000);
        yield return new("counter-zero-after-nonzero", f => f.Sign(f.ClientData(), AssertionForge.AuthData(count: 0)), AuthNError.SignCountNotIncreased);
    }

    private static IEnumerable<TestCaseData> Cases() =>
        Mutations().Select(m => new TestCaseData(m).SetName($"Verify_{m.Name}_IsRefusedWith{m.Expected}"));

    [TestCaseSource(nameof(Cases))]
    public void Verify_MutatedAssertion_IsRefusedWithItsCode(object mutation)
    {
        var m = (Mutation)mutation;
        using var f = new AssertionForge();
        var r = f.Verify(m.Make(f), m.Stored);
        Assert.That(r.Ok, Is.False);
        Assert.That(r.Code, Is.EqualTo(m.Expected), r.Message);
        Assert.That(r.Message, Is.Not.Empty);
        Assert.That(r.NewSignCount, Is.Zero);
    }

    [Test]
    public void Mutations_AllNamesAreDistinct() =>
        Assert.That(Mutations().Select(m => m.Name), Is.Unique);

    private static Assertion With(Assertion a, Action<Assertion> change)
    {
        var copy = a.Clone();
        change(copy);
        return copy;
    }

    private static ByteString Flip(ByteString s, int index, byte mask = 0x01)
    {
        var b = s.ToByteArray();
        b[index] ^= mask;
        return ByteString.CopyFrom(b);
    }

    private static string Base64(byte[] b) => System.Buffers.Text.Base64Url.EncodeToString(b);
}
