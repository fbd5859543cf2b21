using System.CommandLine;
using ClipMem.Data;

namespace ClipMem.Cli;

/// <summary>The `clipmem` command: one subcommand group per workbench area, all thin over library calls.</summary>
public static class CliApp
{
    public const int ExitOk = 0;
    public const int ExitFailure = 1;
    public const int ExitBadInput = 2;

    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var root = new RootCommand("ClipMem Workbench: measure and mitigate memorization in CLIP-style models (reproducing \"Captured by Captions\", ICLR 2025).")
        {
            DataCommands.Create(output),
            ReproduceCommand.Create(output),
            NotebookCommands.Create(output, error),
            BenchCommand.Create(output),
            DiagnoseCommand.Create(output),
            DeriveCommand.Create(output),
            ConfigCommand.Create(output),
            ExperimentCommands.Create(output),
            SlurmCommands.Create(output),
        };
        foreach (var job in JobCommands.Create(output).Concat(PlanCommands.Create(output))) root.Subcommands.Add(job);
        var parsed = root.Parse(args);
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        // A collapsed DINO run exits with a code, not an abort, so the job runner reports it instead of retrying it.
        catch (Exception e) when (e is ClipMem.Experiments.Jobs.JobFailedException or ClipMem.Training.DinoCollapseException)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitFailure;
        }
        catch (Exception e) when (e is DataFormatException or ClipMem.Data.Loaders.DatasetFetchException or ArgumentException or FileNotFoundException or InvalidDataException or DirectoryNotFoundException or InvalidOperationException)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitBadInput;
        }
    }
}
