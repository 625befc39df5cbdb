namespace MpcSigning.Attestation.Report;

/// <summary>The AMD EPYC generations that run SEV-SNP, named as AMD's KDS and VCEK productName name them.</summary>
public enum SevProduct
{
    Unknown = 0,
    Milan,
    Genoa,
    Turin,
}

public static class SevProducts
{
    /// <summary>
    /// Product from the report's signed CPUID bytes (report version 3 and later). Family 19h models 0h-Fh are
    /// Milan, 10h-1Fh and A0h-AFh Genoa (Genoa, Bergamo, Siena); family 1Ah models 0h-1Fh Turin.
    /// </summary>
    public static SevProduct FromCpuid(byte family, byte model) => (family, model) switch
    {
        (0x19, <= 0x0F) => SevProduct.Milan,
        (0x19, >= 0x10 and <= 0x1F) or (0x19, >= 0xA0 and <= 0xAF) => SevProduct.Genoa,
        (0x1A, <= 0x1F) => SevProduct.Turin,
        _ => SevProduct.Unknown,
    };

    /// <summary>
    /// Product from a VCEK productName such as "Milan-B0" or "Genoa": compared without the stepping suffix,
    /// because the KDS names some products with a stepping and some without.
    /// </summary>
    public static SevProduct FromName(string? name)
    {
        if (string.IsNullOrEmpty(name)) return SevProduct.Unknown;
        var dash = name.IndexOf('-');
        var baseName = dash < 0 ? name : name[..dash];
        return baseName switch
        {
            "Milan" => SevProduct.Milan,
            "Genoa" => SevProduct.Genoa,
            "Turin" => SevProduct.Turin,
            _ => SevProduct.Unknown,
        };
    }

    public static bool TryParse(string? text, out SevProduct product)
    {
        product = string.IsNullOrEmpty(text)
            ? SevProduct.Unknown
            : FromName(char.ToUpperInvariant(text[0]) + text[1..].ToLowerInvariant());
        return product != SevProduct.Unknown;
    }
}
