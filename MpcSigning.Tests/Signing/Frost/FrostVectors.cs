using System.Text.Json.Nodes;
using MpcSigning.Tests.Support;

namespace MpcSigning.Tests.Signing.Frost;

/// <summary>One signer's round values in a published signing vector (RFC 9591 Appendix E.1 layout).</summary>
public sealed record SignerVector(
    uint Identifier, byte[] HidingRandomness, byte[] BindingRandomness, byte[] HidingNonce, byte[] BindingNonce,
    byte[] HidingCommitment, byte[] BindingCommitment, byte[] BindingFactorInput, byte[] BindingFactor, byte[] SignatureShare);

/// <summary>A published FROST(Ed25519, SHA-512) signing vector file, read in place from ../shared.</summary>
public sealed record SigningVector(
    string Name, int MinSigners, int MaxSigners, byte[] GroupSecret, byte[] GroupPublicKey, byte[] Message,
    byte[][] Coefficients, Dictionary<uint, byte[]> Shares, SignerVector[] Signers, byte[] Signature)
{
    public static readonly string[] Files = ["rfc9591-ed25519.json", "zf-ed25519-vectors.json"];

    public static SigningVector Load(string file)
    {
        var root = JsonNode.Parse(File.ReadAllText(SharedData.Path("vectors", "frost", file)))!;
        var inputs = root["inputs"]!;
        var config = root["config"]!;
        // The ZF file misspells the group key field "verifying_key_key" (see SOURCES.md).
        var groupKey = inputs["group_public_key"] ?? inputs["verifying_key_key"]!;
        var round1 = root["round_one_outputs"]!["outputs"]!.AsArray();
        var round2 = root["round_two_outputs"]!["outputs"]!.AsArray();
        var signers = round1.Select((o, i) => new SignerVector(
            Id(o!["identifier"]!), Hex(o["hiding_nonce_randomness"]), Hex(o["binding_nonce_randomness"]),
            Hex(o["hiding_nonce"]), Hex(o["binding_nonce"]), Hex(o["hiding_nonce_commitment"]), Hex(o["binding_nonce_commitment"]),
            Hex(o["binding_factor_input"]), Hex(o["binding_factor"]), Hex(round2[i]!["sig_share"]))).ToArray();
        return new SigningVector(
            file, Int(config["MIN_PARTICIPANTS"]!), Int(config["MAX_PARTICIPANTS"]!),
            Hex(inputs["group_secret_key"]), Hex(groupKey), Hex(inputs["message"]),
            inputs["share_polynomial_coefficients"]!.AsArray().Select(Hex).ToArray(),
            inputs["participant_shares"]!.AsArray().ToDictionary(s => Id(s!["identifier"]!), s => Hex(s!["participant_share"])),
            signers, Hex(root["final_output"]!["sig"]));
    }

    public override string ToString() => Name;

    internal static byte[] Hex(JsonNode? node) => Convert.FromHexString(node!.GetValue<string>());

    internal static uint Id(JsonNode node) => (uint)Int(node);

    /// <summary>Configuration numbers are strings in one file and numbers in others.</summary>
    internal static int Int(JsonNode node) =>
        node.GetValueKind() == System.Text.Json.JsonValueKind.String ? int.Parse(node.GetValue<string>()) : node.GetValue<int>();
}
