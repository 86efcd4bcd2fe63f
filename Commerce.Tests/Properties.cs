// The test servers come from Debian packages; the suite runs on Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
