using System.Diagnostics;
using ClipMem.Experiments.Jobs;

namespace ClipMem.Tests.Reliability;

/// <summary>`clipmem reproduce` as a real process (the unit the reliability claims are about), optionally under a file-size limit.</summary>
public sealed class JobProcess : IDisposable
{
    private readonly System.Text.StringBuilder _output = new();

    public Process Process { get; }

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <param name="fileSizeLimitKb">RLIMIT_FSIZE for the job and its children: a write past it fails with EFBIG ("File too large"), a disk that fills up as seen by one file.</param>
    public JobProcess(string runDirectory, int? fileSizeLimitKb = null)
    {
        var start = ClipMemCommand.StartInfo(["reproduce", "--preset", "tiny", "--out", runDirectory]);
        start.RedirectStandardInput = false;
        start.Environment.Remove(ParentWatch.EnvironmentVariable);
        if (fileSizeLimitKb is { } limit)
        {
            // Ignoring SIGXFSZ (inherited through exec) turns the signal into a write error the job must report. The
            // runtime's W^X double mapping sizes a memory file of its own, which the limit would refuse at start-up.
            start.Environment["DOTNET_EnableWriteXorExecute"] = "0";
            var arguments = start.ArgumentList.ToList();
            start.ArgumentList.Clear();
            foreach (var a in new[] { "-c", $"trap '' XFSZ; ulimit -f {limit}; exec \"$0\" \"$@\"", start.FileName }.Concat(arguments)) start.ArgumentList.Add(a);
            start.FileName = "bash";
        }
        Process = Process.Start(start)!;
        Process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        Process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    public int WaitForExit()
    {
        Process.WaitForExit();
        return Process.ExitCode;
    }

    public static (int Code, string Output) Run(string runDirectory, int? fileSizeLimitKb = null)
    {
        using var job = new JobProcess(runDirectory, fileSizeLimitKb);
        return (job.WaitForExit(), job.Output);
    }

    public void Dispose()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        Process.WaitForExit();
        Process.Dispose();
    }
}
