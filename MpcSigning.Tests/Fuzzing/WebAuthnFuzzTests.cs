using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Fido2NetLib.Objects;
using MpcSigning.AuthN;
using MpcSigning.AuthN.Passkeys;
using MpcSigning.AuthN.Software;
using MpcSigning.AuthN.WebAuthn;
using MpcSigning.Crypto;
using MpcSigning.Proto.AuthN;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Fuzzing;

/// <summary>
/// WebAuthn assertions under mutation: authenticatorData (with attested credential data, a COSE key and extension
/// maps, so Fido2's CBOR reader is reached), clientDataJSON (JSON-aware), the signature, the credential id and the
/// credential key. Starts from an assertion of the project's software authenticator and from forged ones. The
/// signature covers authenticatorData and SHA-256(clientDataJSON), and the key and credential id are the enrolled
/// ones, so none of them may change in an accepted assertion. Some inputs are re-signed after mutation, to reach
/// the checks behind the signature; those may be accepted only when an independent reading of WebAuthn L3
/// section 7.2 would accept them. Also fuzzes the software authenticator's file reader.
/// </summary>
[Category("Fuzz")]
[NonParallelizable]
public class WebAuthnFuzzTests
{
    private const long AssertionInputs = 200_000;
    private const long FileInputs = 10_000;
    private const string TopOrigin = "https://top.example";

    private sealed record Seed(string Name, Assertion Assertion, byte[] Challenge, RelyingParty Rp, byte[] Spki, ECDsa? Key, uint Stored,
        bool BackupEligible = false)
    {
        public JDoc ClientData { get; } = JDoc.Parse(Assertion.ClientDataJson.ToByteArray());
    }

    private sealed record Input(Seed Seed, Assertion Assertion, byte[] Spki, bool Resigned, string What);

    private TempDir _dir = null!;
    private Seed[] _seeds = null!;
    private byte[][] _corpus = null!;
    private byte[] _authenticatorFile = null!;

    [OneTimeSetUp]
    public void MakeSeeds()
    {
        _dir = new TempDir();
        var rp = RelyingParty.Default;
        var challenge = ApprovalChallenge.Derive(Enumerable.Repeat((byte)1, 16).ToArray(), Enumerable.Repeat((byte)2, 32).ToArray());
        var software = SoftwareAuthenticator.Create(_dir.Path, "alice@example.com");
        var seeds = new List<Seed> { new("software authenticator", software.GetAssertion(challenge, rp), challenge, rp, software.PublicKeySpki, null, 0) };
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var credentialId = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var coseKey = CoseEc2Key(key);
        var extensions = Convert.FromHexString("a26b6372656450726f7465637402" + "6b686d61632d736563726574f5"); // {"credProtect": 2, "hmac-secret": true}
        var up = AuthenticatorFlags.UP | AuthenticatorFlags.UV;
        var attested = (byte[])[.. new byte[16], .. new byte[] { 0, 32 }, .. credentialId, .. coseKey];
        var cross = rp with { AllowedTopOrigins = [TopOrigin] };
        foreach (var (name, flags, tail, party, extra) in new (string, AuthenticatorFlags, byte[], RelyingParty, string)[]
                 {
                     ("forged plain", up, [], rp, ""),
                     ("forged with attested credential data", up | AuthenticatorFlags.AT, attested, rp, ""),
                     ("forged with extensions", up | AuthenticatorFlags.ED, extensions, rp, ""),
                     ("forged with both", up | AuthenticatorFlags.AT | AuthenticatorFlags.ED, [.. attested, .. extensions], rp, ""),
                     ("forged backed up", up | AuthenticatorFlags.BE | AuthenticatorFlags.BS, [], rp, ""),
                     ("forged cross-origin", up, [], cross, $",\"topOrigin\":\"{TopOrigin}\",\"other\":[1,{{\"a\":null}}]"),
                 })
        {
            var authData = (byte[])[.. AssertionVerifier.RpIdHash(party.RpId), (byte)flags, 0, 0, 0, 5, .. tail];
            var crossOrigin = extra.Length > 0 ? "true" : "false";
            var clientData = Encoding.UTF8.GetBytes(
                $"{{\"type\":\"webauthn.get\",\"challenge\":\"{Base64Url.EncodeToString(challenge)}\",\"origin\":\"{party.PrimaryOrigin}\",\"crossOrigin\":{crossOrigin}{extra}}}");
            seeds.Add(new Seed(name, Sign(key, credentialId, authData, clientData), challenge, party, key.ExportSubjectPublicKeyInfo(), key, 4,
                flags.HasFlag(AuthenticatorFlags.BE)));
        }
        _seeds = [.. seeds];
        _corpus = [.. _seeds.SelectMany(s => new[] { s.Assertion.AuthenticatorData.ToByteArray(), s.Assertion.ClientDataJson.ToByteArray() })];
        _authenticatorFile = File.ReadAllBytes(Directory.GetFiles(_dir.Path).Single(f => !f.EndsWith(".lock", StringComparison.Ordinal)));
        foreach (var s in _seeds)
            Assert.That(Verify(s, s.Assertion, s.Spki).Ok, Is.True, $"seed {s.Name} must verify before it is mutated: {Verify(s, s.Assertion, s.Spki)}");
    }

    [OneTimeTearDown]
    public void Cleanup()
    {
        foreach (var key in _seeds.Select(s => s.Key).Distinct()) key?.Dispose();
        _dir.Dispose();
    }

    [Test]
    public void AssertionVerifier_MutatedAssertions_AreRefusedWithoutExceptionAndNoSignedChangeVerifies() =>
        FuzzRunner.Run(new FuzzCampaign<Input>
        {
            Name = "webauthn-assertion",
            Inputs = AssertionInputs,
            Generate = Generate,
            Check = Check,
            Describe = i => $"seed {i.Seed.Name}, mutated {i.What}{(i.Resigned ? " (re-signed)" : "")}: " +
                            $"authenticatorData {FuzzRunner.Hex(i.Assertion.AuthenticatorData.Span)}, clientDataJSON {FuzzRunner.Base64(i.Assertion.ClientDataJson.Span)}, " +
                            $"signature {FuzzRunner.Hex(i.Assertion.Signature.Span)}, credentialId {FuzzRunner.Hex(i.Assertion.CredentialId.Span)}, key {FuzzRunner.Hex(i.Spki)}",
        });

    [Test]
    public void SoftwareAuthenticatorFile_MutatedFiles_AreRefusedAsAuthNErrors()
    {
        var doc = JDoc.Parse(_authenticatorFile);
        var files = FuzzRunner.ScratchDirectory();
        try
        {
            FuzzRunner.Run(new FuzzCampaign<byte[]>
            {
                Name = "authenticator-file",
                Inputs = FileInputs,
                Generate = rng => rng.Chance(0.8) ? JsonMutator.Mutate(rng, doc) : ByteMutator.Mutate(rng, _authenticatorFile),
                Check = bytes =>
                {
                    var path = Path.Combine(files, $"{Environment.CurrentManagedThreadId}.json");
                    File.WriteAllBytes(path, bytes);
                    var f = AuthenticatorFile.Read(path);
                    CryptographicOperations.ZeroMemory(f.PrivateKeyPkcs8);
                    return "read";
                },
                Describe = b => FuzzRunner.Base64(b),
                IsRefusal = e => e is AuthNException,
            });
        }
        finally
        {
            Directory.Delete(files, recursive: true);
        }
    }

    private Input Generate(FuzzRng rng)
    {
        var seed = rng.Pick(_seeds);
        var a = seed.Assertion.Clone();
        var spki = seed.Spki;
        var what = new List<string>();
        var n = rng.Chance(0.85) ? 1 : 2;
        for (var k = 0; k < n; k++)
        {
            switch (rng.Next(100))
            {
                case < 35:
                    a.ClientDataJson = ByteString.CopyFrom(rng.Chance(0.8) ? JsonMutator.Mutate(rng, seed.ClientData, _corpus) : ByteMutator.Mutate(rng, a.ClientDataJson.ToByteArray(), _corpus));
                    what.Add("clientDataJSON");
                    break;
                case < 70:
                {
                    var d = a.AuthenticatorData.ToByteArray();
                    if (rng.Chance(0.3) && d.Length > 32)
                    {
                        d[32] = rng.Byte(); // the flags: AT/ED/UP/UV/BE/BS combinations
                        if (rng.Chance(0.5)) d = ByteMutator.Mutate(rng, d, _corpus);
                    }
                    else d = ByteMutator.Mutate(rng, d, _corpus);
                    a.AuthenticatorData = ByteString.CopyFrom(d);
                    what.Add("authenticatorData");
                    break;
                }
                case < 82:
                    a.Signature = ByteString.CopyFrom(ByteMutator.Mutate(rng, a.Signature.ToByteArray()));
                    what.Add("signature");
                    break;
                case < 94:
                    a.CredentialId = ByteString.CopyFrom(ByteMutator.Mutate(rng, a.CredentialId.ToByteArray()));
                    what.Add("credentialId");
                    break;
                default:
                    spki = ByteMutator.Mutate(rng, spki);
                    what.Add("credential key");
                    break;
            }
        }
        // Re-signing reaches the checks behind the signature (flags, rpIdHash, type, challenge, origin, counter).
        var resign = seed.Key is not null && ReferenceEquals(spki, seed.Spki) && !what.Contains("signature") && rng.Chance(0.15);
        if (resign) a = Sign(seed.Key!, a.CredentialId.ToByteArray(), a.AuthenticatorData.ToByteArray(), a.ClientDataJson.ToByteArray());
        return new Input(seed, a, spki, resign, string.Join(" and ", what));
    }

    private static string Check(Input i)
    {
        // The key converter sees a mutated key directly as well as through the verifier.
        if (!ReferenceEquals(i.Spki, i.Seed.Spki)) CoseKeys.FromSpki(i.Spki);

        var result = Verify(i.Seed, i.Assertion, i.Spki);
        if (!result.Ok)
        {
            if (result.Code == AuthNError.None || result.Message.Length == 0) throw new FuzzViolation($"refusal without a code or message: {result}");
            return "refused " + result.Code;
        }
        var s = i.Seed.Assertion;
        if (!i.Resigned)
        {
            if (!i.Assertion.AuthenticatorData.Equals(s.AuthenticatorData) || !i.Assertion.ClientDataJson.Equals(s.ClientDataJson))
                throw new FuzzViolation("an assertion whose signed authenticatorData or clientDataJSON changed verified");
            if (!i.Assertion.CredentialId.Equals(s.CredentialId) || !i.Spki.AsSpan().SequenceEqual(i.Seed.Spki))
                throw new FuzzViolation("an assertion with another credential id or key verified");
            if (!i.Assertion.Signature.Equals(s.Signature))
                throw new FuzzViolation("a changed signature encoding verified: recorded approvals would be malleable");
            return "verified (unchanged)";
        }
        if (WhyRefuse(i) is { } why) throw new FuzzViolation($"a re-signed assertion verified although {why}");
        return i.Assertion.Equals(s) ? "verified (unchanged)" : "verified (re-signed, acceptable)";
    }

    /// <summary>An independent reading of WebAuthn L3 section 7.2 steps 9-23 for a correctly signed assertion.</summary>
    private static string? WhyRefuse(Input i)
    {
        var a = i.Assertion.AuthenticatorData.Span;
        var rp = i.Seed.Rp;
        if (!i.Assertion.CredentialId.Equals(i.Seed.Assertion.CredentialId)) return "its credential id is not the enrolled one";
        if (a.Length < 37) return "authenticatorData is shorter than 37 bytes";
        if (!a[..32].SequenceEqual(AssertionVerifier.RpIdHash(rp.RpId))) return "rpIdHash is not the relying party's";
        var flags = (AuthenticatorFlags)a[32];
        if (!flags.HasFlag(AuthenticatorFlags.UP)) return "UP is clear";
        if (rp.RequireUserVerification && !flags.HasFlag(AuthenticatorFlags.UV)) return "UV is clear";
        if (flags.HasFlag(AuthenticatorFlags.BS) && !flags.HasFlag(AuthenticatorFlags.BE)) return "BS is set without BE";
        if (flags.HasFlag(AuthenticatorFlags.BE) != i.Seed.BackupEligible) return "BE is not the registered value";
        if ((flags & (AuthenticatorFlags.AT | AuthenticatorFlags.ED)) == 0 && a.Length != 37) return "bytes follow the counter with AT and ED clear";
        var count = BinaryPrimitives.ReadUInt32BigEndian(a[33..]);
        if ((count != 0 || i.Seed.Stored != 0) && count <= i.Seed.Stored) return "signCount did not increase";
        var json = i.Assertion.ClientDataJson.ToByteArray();
        try
        {
            _ = new UTF8Encoding(false, true).GetString(json);
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return "clientDataJSON is not an object";
            var members = doc.RootElement.EnumerateObject().ToList();
            foreach (var name in new[] { "type", "challenge", "origin", "crossOrigin", "topOrigin" })
                if (members.Count(m => m.Name == name) > 1) return $"clientDataJSON has '{name}' twice";
            JsonElement? Member(string name) => members.Where(m => m.Name == name).Select(m => (JsonElement?)m.Value).FirstOrDefault();
            string? Str(string name) => Member(name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;
            if (Str("type") != "webauthn.get") return "type is not webauthn.get";
            if (Str("challenge") != Base64Url.EncodeToString(i.Seed.Challenge)) return "the challenge differs";
            if (Str("origin") is not { } origin || !rp.AllowedOrigins.Contains(origin)) return "the origin is not allowed";
            var cross = Member("crossOrigin");
            if (cross is { ValueKind: not (JsonValueKind.True or JsonValueKind.False) }) return "crossOrigin is not a boolean";
            var top = Member("topOrigin");
            if (top is { ValueKind: not JsonValueKind.String }) return "topOrigin is not a string";
            var isCross = cross is { ValueKind: JsonValueKind.True };
            if ((isCross || top is not null) && !(isCross && top is not null && rp.AllowedTopOrigins.Contains(top.Value.GetString()!)))
                return "a cross-origin ceremony from an unexpected top origin";
        }
        catch (Exception e) when (e is JsonException or DecoderFallbackException or InvalidOperationException)
        {
            return "clientDataJSON is not UTF-8 JSON";
        }
        return null;
    }

    /// <summary>Verifies against the key's COSE form; a mutated key that is no longer a key is passed as garbage COSE bytes.</summary>
    private static AssertionResult Verify(Seed s, Assertion a, byte[] spki) =>
        AssertionVerifier.Verify(a, s.Challenge, s.Rp, CoseKeys.FromSpki(spki) ?? spki, s.Assertion.CredentialId.ToByteArray(), s.Stored,
            s.BackupEligible);

    private static Assertion Sign(ECDsa key, byte[] credentialId, byte[] authData, byte[] clientData)
    {
        byte[] signature;
        lock (key) // one ECDsa instance is not promised to be thread-safe
            signature = key.SignData([.. authData, .. Hashes.Sha256(clientData)], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return new Assertion
        {
            CredentialId = ByteString.CopyFrom(credentialId),
            AuthenticatorData = ByteString.CopyFrom(authData),
            ClientDataJson = ByteString.CopyFrom(clientData),
            Signature = ByteString.CopyFrom(signature),
        };
    }

    /// <summary>The credential key as a COSE_Key (RFC 9053 EC2, ES256): {1: 2, 3: -7, -1: 1, -2: x, -3: y}.</summary>
    private static byte[] CoseEc2Key(ECDsa key)
    {
        var p = key.ExportParameters(false).Q;
        return [0xA5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20, .. p.X!, 0x22, 0x58, 0x20, .. p.Y!];
    }
}
