using System.Security.Cryptography;
using MpcSigning.Attestation.Report;

namespace MpcSigning.Attestation.Roots;

/// <summary>
/// AMD's ARK, ASK and ASVK for Milan, Genoa and Turin, shipped in the binary and pinned by SHA-256 of their DER.
/// The pins are checked when first used, so a corrupted constant fails loudly instead of trusting another key.
/// Fingerprints match AMD's KDS and virtee/sev's built-in copies.
/// </summary>
internal static partial class AmdRoots
{
    internal sealed record ProductRoots(SevProduct Product, byte[] Ark, byte[] Ask, byte[] Asvk);

    private static readonly Lazy<IReadOnlyDictionary<SevProduct, ProductRoots>> All = new(Load);

    private static readonly (SevProduct Product, string ArkPem, string AskPem, string AsvkPem, string ArkSha, string AskSha, string AsvkSha)[] Pins =
    [
        (SevProduct.Milan, ArkMilanPem, AskMilanPem, AsvkMilanPem,
            "69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd",
            "67d303bd3905fd38db8b20e0793699870e7fa612eaad5dec358293fd8c0bac1b",
            "c5e081f59b7efab1fe2f8b505e159704e72f29cab7ef7cf628a05a42439082f5"),
        (SevProduct.Genoa, ArkGenoaPem, AskGenoaPem, AsvkGenoaPem,
            "4c6598d19c18719c5dfd4a7d335f674e5bfe1d8f800cea2cf270c10d103db2f1",
            "5464738c1546aed5f2cecf1dc98c5c960a92e8913238a61711bc90ec6e828521",
            "197e610743a917d6b9bb982a5a9226ccc0a15b611be0619e626aca9151457372"),
        (SevProduct.Turin, ArkTurinPem, AskTurinPem, AsvkTurinPem,
            "1f084161a44bb6d93778a904877d4819cafa5d05ef4193b2ded9dd9c73dd3f6a",
            "5b77ef5fe7a7a004fd9032668fba9d0fda22f88c4442069a479636a6ae3b3185",
            "104e10a8bd060a3c20a434261a57d0588fd65a88915b4f65b08bdecaf8df1a3c"),
    ];

    public static ProductRoots For(SevProduct product) =>
        All.Value.TryGetValue(product, out var r) ? r : throw new ArgumentOutOfRangeException(nameof(product), product, "no AMD roots for this product");

    public static string ArkFingerprint(SevProduct product) => Pins.First(p => p.Product == product).ArkSha;

    private static IReadOnlyDictionary<SevProduct, ProductRoots> Load() => Pins.ToDictionary(
        p => p.Product,
        p => new ProductRoots(p.Product, Pinned(p.ArkPem, p.ArkSha), Pinned(p.AskPem, p.AskSha), Pinned(p.AsvkPem, p.AsvkSha)));

    private static byte[] Pinned(string pem, string sha256Hex)
    {
        var der = PemEncoding.Find(pem) is var f ? Convert.FromBase64String(pem[f.Base64Data]) : [];
        var actual = Convert.ToHexStringLower(SHA256.HashData(der));
        if (actual != sha256Hex)
            throw new CryptographicException($"embedded AMD root has SHA-256 {actual}, pinned {sha256Hex}; the binary is corrupt");
        return der;
    }
}
