using System.CommandLine;
using Tessera.Cli;
using Tessera.Cli.Commands;

var root = new RootCommand("Tessera: an emulated multi-application IC card (secure device) with its card OS, and the host that issues it.")
{
    CliOptions.Verbose,
};
root.Subcommands.Add(CardCommands.Build());
root.Subcommands.Add(ApduCommand.Build());
root.Subcommands.Add(DemoCommand.Build());
root.Subcommands.Add(ServeCommand.Build());
root.Subcommands.Add(IssueCommand.Build());
root.Subcommands.Add(GpCommands.Build());
root.Subcommands.Add(ReadersCommand.Build());
return root.Parse(args).Invoke();
