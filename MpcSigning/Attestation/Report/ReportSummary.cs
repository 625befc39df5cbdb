using System.Text;

namespace MpcSigning.Attestation.Report;

/// <summary>A readable multi-line summary of a report, for the CLI and for logs (no secrets in a report).</summary>
public static class ReportSummary
{
    public static string Format(AttestationReport r, SevProduct product)
    {
        var p = product == SevProduct.Unknown ? r.Product : product;
        var layout = p == SevProduct.Unknown ? SevProduct.Milan : p;
        var sb = new StringBuilder();
        sb.AppendLine($"version:        {r.Version}");
        sb.AppendLine($"product:        {(p == SevProduct.Unknown ? "unknown (v2 report; from the VCEK)" : p)}" +
                      (ReportLayout.HasCpuid(r.Version) ? $" (cpuid family 0x{r.CpuidFamId:x} model 0x{r.CpuidModId:x} stepping 0x{r.CpuidStep:x})" : ""));
        sb.AppendLine($"signer:         {r.SigningKey} (author_key_en={(r.AuthorKeyEn ? 1 : 0)} mask_chip_key={(r.MaskChipKey ? 1 : 0)})");
        sb.AppendLine($"measurement:    {Convert.ToHexStringLower(r.Measurement)}");
        sb.AppendLine($"policy hash:    {TeePolicyHash.Of(r.Measurement)} (TEE_POLICY_HASH)");
        sb.AppendLine($"policy:         {r.Policy}");
        sb.AppendLine($"vmpl:           {r.Vmpl}");
        sb.AppendLine($"guest svn:      {r.GuestSvn}");
        sb.AppendLine($"reported tcb:   {r.ReportedTcb} {r.ReportedTcb.Decode(layout)}");
        sb.AppendLine($"current tcb:    {r.CurrentTcb} {r.CurrentTcb.Decode(layout)} fw {r.CurrentMajor}.{r.CurrentMinor} build {r.CurrentBuild}");
        sb.AppendLine($"committed tcb:  {r.CommittedTcb} {r.CommittedTcb.Decode(layout)} fw {r.CommittedMajor}.{r.CommittedMinor} build {r.CommittedBuild}");
        sb.AppendLine($"launch tcb:     {r.LaunchTcb} {r.LaunchTcb.Decode(layout)}");
        if (ReportLayout.HasMitigationVectors(r.Version)) sb.AppendLine($"mit vectors:    launch 0x{r.LaunchMitVector:x} current 0x{r.CurrentMitVector:x}");
        sb.AppendLine($"platform info:  0x{r.PlatformInfo:x}");
        sb.AppendLine($"chip id:        {Convert.ToHexStringLower(r.ChipId)}");
        sb.Append($"report data:    {Convert.ToHexStringLower(r.ReportData)}");
        return sb.ToString();
    }
}
