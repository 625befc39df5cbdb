using System.Runtime.Versioning;

// Like the product, the tests and benchmarks run on Linux only (libsodium from the OS, owner-only file modes).
[assembly: SupportedOSPlatform("linux")]
