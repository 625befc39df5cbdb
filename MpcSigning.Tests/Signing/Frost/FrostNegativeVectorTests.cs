using System.Text.Json.Nodes;
using Google.Protobuf;
using MpcSigning.Proto.Frost;
using MpcSigning.Signing.Frost;

namespace MpcSigning.Tests.Signing.Frost;

/// <summary>One loader for Vectors/negative-signing.json: each case mutates the RFC session and names the expected error and culprits.</summary>
public class FrostNegativeVectorTests
{
    public sealed record Case(string Name, string Stage, string Field, int Index, uint? Value, string? Hex, FrostError Error, uint[] Culprits)
    {
        public override string ToString() => Name;
    }

    public static IEnumerable<Case> Cases()
    {
        // The data file sits beside this source file (the test csproj does not copy data to the output).
        var path = Path.Combine(SourceDirectory(), "Vectors", "negative-signing.json");
        foreach (var c in JsonNode.Parse(File.ReadAllText(path))!["cases"]!.AsArray())
            yield return new Case(c!["name"]!.GetValue<string>(), c["stage"]!.GetValue<string>(), c["field"]!.GetValue<string>(),
                c["index"]!.GetValue<int>(), c["value"]?.GetValue<uint>(), c["hex"]?.GetValue<string>(),
                Enum.Parse<FrostError>(c["error"]!.GetValue<string>()), c["culprits"]!.AsArray().Select(x => x!.GetValue<uint>()).ToArray());
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string file = "") => Path.GetDirectoryName(file)!;

    [TestCaseSource(nameof(Cases))]
    public void SigningSession_Mutation_IsRejectedWithItsErrorAndCulprits(Case c)
    {
        var v = SigningVector.Load("rfc9591-ed25519.json");
        var (shares, keys) = TrustedDealer.Split(v.GroupSecret, v.MinSigners, v.MaxSigners, v.Coefficients);
        using var p1 = FrostParticipant.FromDealerShare(1, shares[1], keys);
        using var p3 = FrostParticipant.FromDealerShare(3, shares[3], keys);
        shares[2].Dispose();
        var package = new SigningPackage { Message = ByteString.CopyFrom(v.Message) };
        package.Commitments.Add(p1.CommitCore(v.Signers[0].HidingRandomness, v.Signers[0].BindingRandomness));
        package.Commitments.Add(p3.CommitCore(v.Signers[1].HidingRandomness, v.Signers[1].BindingRandomness));

        FrostException e;
        if (c.Stage == "sign")
        {
            Mutate(package.Commitments, c, (x, m) => x.Identifier = m, (x, b) => { if (c.Field.EndsWith("hiding")) x.Hiding = b; else x.Binding = b; });
            e = Assert.Throws<FrostException>(() => p1.Sign(package))!;
        }
        else
        {
            var sigShares = new List<SignatureShare> { p1.Sign(package), p3.Sign(package) };
            Mutate(sigShares, c, (x, m) => x.Identifier = m, (x, b) => x.Share = b);
            e = Assert.Throws<FrostException>(() => FrostAggregator.Aggregate(package, sigShares, keys))!;
        }
        Assert.That(e.Error, Is.EqualTo(c.Error), e.Message);
        Assert.That(e.Culprits, Is.EqualTo(c.Culprits), e.Message);
    }

    private static void Mutate<T>(IList<T> list, Case c, Action<T, uint> setId, Action<T, ByteString> setBytes)
    {
        switch (c.Field)
        {
            case "swap": (list[0], list[1]) = (list[1], list[0]); break;
            case "drop": list.RemoveAt(c.Index); break;
            case var f when f.EndsWith(".identifier"): setId(list[c.Index], c.Value!.Value); break;
            default: setBytes(list[c.Index], ByteString.CopyFrom(Convert.FromHexString(c.Hex!))); break;
        }
    }
}
