using System.Diagnostics;

namespace ClipMem.Experiments.Scheduling.Slurm;

/// <summary>What a Slurm command printed and how it exited.</summary>
public sealed record CommandResult(int ExitCode, string Output, string Error)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>Runs Slurm's client commands (sbatch, squeue, sacct, scancel); tests put a recording fake in its place.</summary>
public interface ISlurmClient
{
    CommandResult Run(string command, IReadOnlyList<string> arguments, string? workingDirectory = null);
}

/// <summary>
/// The client commands on this machine's PATH; SLURM_CONF, if set, names the cluster they talk to. <paramref name="environment"/>
/// adds to the environment they run in (and, through sbatch's default --export=ALL, the tasks they submit).
/// </summary>
public sealed class SlurmClient(IReadOnlyDictionary<string, string>? environment = null) : ISlurmClient
{
    public CommandResult Run(string command, IReadOnlyList<string> arguments, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return new CommandResult(process.ExitCode, output, error.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new CommandResult(127, "", $"{command}: {e.Message} (is Slurm's client, slurm-client, installed and on PATH?)");
        }
    }
}
