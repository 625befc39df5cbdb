namespace MpcSigning.Attestation.Report;

/// <summary>
/// The guest POLICY (ABI, "Guest Policy Structure"): bits 7:0 ABI_MINOR, 15:8 ABI_MAJOR, 16 SMT, 17 reserved
/// (must be one), 18 MIGRATE_MA, 19 DEBUG, 20 SINGLE_SOCKET, 21 CXL_ALLOW, 22 MEM_AES_256_XTS, 23 RAPL_DIS,
/// 24 CIPHERTEXT_HIDING, 25 PAGE_SWAP_DISABLE.
/// </summary>
public readonly record struct GuestPolicy(ulong Raw)
{
    public byte AbiMinor => (byte)Raw;
    public byte AbiMajor => (byte)(Raw >> 8);
    public bool Smt => Bit(16);
    public bool ReservedMustBeOne => Bit(17);
    public bool MigrateMa => Bit(18);
    public bool Debug => Bit(19);
    public bool SingleSocket => Bit(20);
    public bool CxlAllow => Bit(21);
    public bool MemAes256Xts => Bit(22);
    public bool RaplDis => Bit(23);
    public bool CiphertextHiding => Bit(24);
    public bool PageSwapDisable => Bit(25);

    private bool Bit(int i) => ((Raw >> i) & 1) != 0;

    public override string ToString() =>
        $"0x{Raw:x} (abi {AbiMajor}.{AbiMinor} smt={B(Smt)} migrate_ma={B(MigrateMa)} debug={B(Debug)} single_socket={B(SingleSocket)})";

    private static int B(bool b) => b ? 1 : 0;
}

/// <summary>SIGNER_INFO bits 4:2 (ABI, "ATTESTATION_REPORT"): which key signed the report.</summary>
public enum SigningKeyKind : byte
{
    Vcek = 0,
    Vlek = 1,
    None = 7,
}
