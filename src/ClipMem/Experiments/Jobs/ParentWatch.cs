namespace ClipMem.Experiments.Jobs;

/// <summary>
/// A child job ends when the process that started it ends. The parent holds the child's standard input open
/// and never writes to it; the kernel closes it when the parent exits however it exits (even SIGKILL), and
/// the child sees end of input. Without this, a killed `reproduce` would leave its training jobs running and
/// holding their models' claims. Every artefact is written atomically, so stopping at any moment is safe:
/// the next run resumes from the last checkpoint.
/// </summary>
public static class ParentWatch
{
    public const string EnvironmentVariable = "CLIPMEM_EXIT_WITH_PARENT";

    /// <summary>Starts watching when this process was started as a child job.</summary>
    public static void StartIfChildJob(TextWriter error)
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) != "1") return;
        var watcher = new Thread(() =>
        {
            try
            {
                using var input = Console.OpenStandardInput();
                var buffer = new byte[64];
                while (input.Read(buffer, 0, buffer.Length) > 0) { }
            }
            catch (IOException) { /* a broken pipe means the same: the parent is gone */ }
            error.WriteLine("the parent process ended; stopping this job (it resumes from its last checkpoint when run again)");
            error.Flush();
            ExitNow(CliExitWhenOrphaned);
        }) { IsBackground = true, Name = "parent-watch" };
        watcher.Start();
    }

    // Environment.Exit runs libtorch's static destructors while the training thread is still inside libtorch,
    // which segfaults (seen: exit code 139). _exit skips them; nothing is lost, every artefact is written atomically.
    private static void ExitNow(int code)
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) ImmediateExit(code);
        Environment.Exit(code);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "_exit")]
    private static extern void ImmediateExit(int code);

    /// <summary>128 + SIGHUP, the code a shell gives a job whose terminal went away.</summary>
    public const int CliExitWhenOrphaned = 129;
}
