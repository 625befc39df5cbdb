using System.Runtime.Versioning;

// mpcsign runs on Linux only: the bundled linux-x64 libsodium, SEV-SNP guest devices, owner-only file modes.
[assembly: SupportedOSPlatform("linux")]
