using System.Runtime.Versioning;

// Like the product, the tests and benchmarks run on Linux only (the bundled linux-x64 libsodium, owner-only file modes).
[assembly: SupportedOSPlatform("linux")]
