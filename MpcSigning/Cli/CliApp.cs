using System.CommandLine;

namespace MpcSigning.Cli;

/// <summary>Builds the mpcsign command tree. Each module contributes its commands from its own file under Cli/.</summary>
public static class CliApp
{
    public static int Run(string[] args)
    {
        var root = new RootCommand("mpcsign: sign software artifacts with nobody holding a signing key.");
        return root.Parse(args).Invoke();
    }
}
