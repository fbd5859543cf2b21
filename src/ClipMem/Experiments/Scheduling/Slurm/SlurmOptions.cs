namespace ClipMem.Experiments.Scheduling.Slurm;

/// <summary>
/// The resources each array task asks for, as sbatch directives. Null leaves a directive out (the cluster's
/// default). <paramref name="Command"/> is how a task starts the clipmem command on the compute node.
/// <paramref name="CpusPerJob"/> null: each stage asks for the threads its jobs run on (the plan's), since a task
/// given fewer CPUs than threads runs many times slower (seen: an evaluation 4 s alone, 45 s two to a 2-CPU node).
/// </summary>
public sealed record SlurmOptions(
    string Command,
    int? CpusPerJob = null,
    string Time = "04:00:00",
    string? Partition = null,
    string? Account = null,
    int? GpusPerJob = null,
    string? Memory = null)
{
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Command)) throw new ArgumentException("--clipmem: the command that starts clipmem on a compute node is empty.");
        if (CpusPerJob is < 1) throw new ArgumentException($"--cpus-per-job {CpusPerJob}: allowed values are 1 or more.");
        if (GpusPerJob is < 0) throw new ArgumentException($"--gpus-per-job {GpusPerJob}: allowed values are 0 or more.");
        if (!System.Text.RegularExpressions.Regex.IsMatch(Time, @"^(\d+-)?\d{1,2}(:\d{2}){0,2}$"))
            throw new ArgumentException($"--time '{Time}': use Slurm's formats, such as 30, 4:00:00 or 1-12:00:00.");
        foreach (var (flag, value) in new[] { ("--partition", Partition), ("--account", Account), ("--mem", Memory) })
            if (value is not null && !System.Text.RegularExpressions.Regex.IsMatch(value, @"^[A-Za-z0-9_.,:+-]+$"))
                throw new ArgumentException($"{flag} '{value}': only letters, digits and _ . , : + - are allowed in a directive.");
    }

    /// <summary>The `#SBATCH` lines for a stage's array of <paramref name="tasks"/> tasks.</summary>
    public IEnumerable<string> Directives(string jobName, int tasks, int threads, string outputPattern)
    {
        yield return $"#SBATCH --job-name={jobName}";
        yield return $"#SBATCH --array=0-{tasks - 1}";
        yield return "#SBATCH --ntasks=1";
        yield return $"#SBATCH --cpus-per-task={CpusPerJob ?? threads}";
        yield return $"#SBATCH --time={Time}";
        yield return $"#SBATCH --output={outputPattern}";
        if (Partition is not null) yield return $"#SBATCH --partition={Partition}";
        if (Account is not null) yield return $"#SBATCH --account={Account}";
        if (GpusPerJob is > 0) yield return $"#SBATCH --gpus-per-task={GpusPerJob}";
        if (Memory is not null) yield return $"#SBATCH --mem={Memory}";
    }
}
