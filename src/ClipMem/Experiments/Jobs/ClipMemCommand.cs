using System.Diagnostics;

namespace ClipMem.Experiments.Jobs;

/// <summary>
/// How to start the `clipmem` command as a child process, from the CLI, a test host or a notebook kernel.
/// Jobs run in the CLI because one process per model is the rule (two models training in one process
/// crashed the main job; a process per model is also what a cluster scheduler runs).
/// </summary>
public static class ClipMemCommand
{
    public const string EnvironmentVariable = "CLIPMEM_CLI";
    private const string CliAssembly = "ClipMem.Cli.dll";

    /// <summary>
    /// ClipMem.Cli.dll: named by CLIPMEM_CLI; else beside ClipMem.dll (the CLI's and the tests' outputs); else
    /// the CLI project's output of the same configuration in the source tree (a notebook loads the library
    /// from ClipMem.Interactive's output, src/ClipMem.Interactive/bin/Release/net10.0/).
    /// </summary>
    public static string Locate()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } named)
            return File.Exists(named) ? Path.GetFullPath(named)
                : throw new FileNotFoundException($"{EnvironmentVariable}={named}: no such file (it should name {CliAssembly}).");
        string here = Path.GetDirectoryName(typeof(ClipMemCommand).Assembly.Location) ?? AppContext.BaseDirectory;
        string beside = Path.Combine(here, CliAssembly);
        if (File.Exists(beside)) return beside;
        // here = <repo>/src/<Project>/bin/<Configuration>/<framework>
        var framework = new DirectoryInfo(here);
        var configuration = framework.Parent;
        var source = configuration?.Parent?.Parent?.Parent;
        if (source is not null)
        {
            string sibling = Path.Combine(source.FullName, "ClipMem.Cli", "bin", configuration!.Name, framework.Name, CliAssembly);
            if (File.Exists(sibling)) return sibling;
        }
        throw new FileNotFoundException(
            $"Cannot find the clipmem command ({CliAssembly}) to run training jobs: not beside {here}, nor in the solution's " +
            $"src/ClipMem.Cli build output. Build the solution (dotnet build -c Release) or set {EnvironmentVariable}.");
    }

    /// <summary>
    /// The child runs in the CLI's own folder, not in this process's current directory: that may be a notebook's
    /// folder a runner switched to, later deleted, and libtorch's MKL aborts a process whose working directory is
    /// gone ("Intel oneMKL FATAL ERROR: Cannot load libtorch_cpu.so", exit code 2; seen in CI while a notebook
    /// test ran). Paths in the arguments are therefore absolute.
    /// </summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        string cli = Locate();
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = Path.GetDirectoryName(cli)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Held open and never written: the child stops when this process ends (ParentWatch).
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.Environment[ParentWatch.EnvironmentVariable] = "1";
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(cli);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        return start;
    }

    /// <summary>The clipmem command as a shell prefix, for scripts a scheduler runs: the dotnet host and this build's ClipMem.Cli.dll, quoted.</summary>
    public static string ShellPrefix() =>
        $"{Scheduling.Slurm.SlurmScripts.Quote(DotnetHost())} exec {Scheduling.Slurm.SlurmScripts.Quote(Locate())}";

    /// <summary>The command line a user types to run the same job by hand.</summary>
    public static string Display(IEnumerable<string> arguments) =>
        "clipmem " + string.Join(' ', arguments.Select(a => a.Contains(' ') ? $"\"{a}\"" : a));

    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        string? self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        return "dotnet";
    }
}
