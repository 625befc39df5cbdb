using System.CommandLine;

namespace MpcSigning.Cli;

/// <summary>Builds the mpcsign command tree. Each module contributes its commands from its own file under Cli/.</summary>
public static class CliApp
{
    public static int Run(string[] args)
    {
        var root = new RootCommand("mpcsign: sign software artifacts with nobody holding a signing key.");
        // tlog branch only, so the durability test can run `mpcsign tlog load`; on merge keep main's CliApp and
        // add TLogCommands.Build(DataDir) to its root.
        var dataDir = new Option<string?>("--data-dir") { Description = "Node data directory.", Recursive = true };
        root.Options.Add(dataDir);
        root.Subcommands.Add(TLogCommands.Build(dataDir));
        return root.Parse(args).Invoke();
    }
}
