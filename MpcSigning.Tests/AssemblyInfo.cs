using System.Runtime.Versioning;

// mpcsign runs on Linux only: libsodium from the OS, SEV-SNP guest devices, owner-only file modes.
[assembly: SupportedOSPlatform("linux")]
