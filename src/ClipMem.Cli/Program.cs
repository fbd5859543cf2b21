using System.CommandLine;
using ClipMem.Cli;

return CliApp.Run(args);
