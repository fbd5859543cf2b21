namespace ClipMem.Experiments.Jobs;

/// <summary>
/// An exclusive claim on part of a run directory, held by one process. It is an advisory file lock
/// (FileShare.None, which .NET implements with flock on Linux): the kernel releases it when the process
/// ends, however it ends, so a crashed job never leaves a stale claim behind. A locked file cannot be read
/// by others, so the holder's pid and command go to a sidecar (NAME.holder) for the error the next claimant sees.
/// </summary>
public sealed class RunLock : IDisposable
{
    private readonly FileStream _stream;

    private RunLock(FileStream stream) => _stream = stream;

    public string Path => _stream.Name;

    /// <summary>Takes the claim or, when another process holds it, throws naming that process and what to do.</summary>
    public static RunLock Acquire(string lockPath, string what)
    {
        if (TryOpen(lockPath) is { } stream) return Claimed(lockPath, stream);
        string holder = ReadHolder(lockPath + HolderSuffix);
        throw new InvalidOperationException(
            $"{what} is in use by {holder} ({lockPath}). Nothing was changed: wait for it to finish, or use another run directory.");
    }

    /// <summary>Takes the claim, waiting while another process holds it (<paramref name="onWait"/> hears who, once).</summary>
    public static RunLock AcquireWaiting(string lockPath, TimeSpan pollEvery, Action<string> onWait)
    {
        bool told = false;
        while (true)
        {
            if (TryOpen(lockPath) is { } stream) return Claimed(lockPath, stream);
            if (!told) onWait(ReadHolder(lockPath + HolderSuffix));
            told = true;
            Thread.Sleep(pollEvery);
        }
    }

    /// <summary>
    /// Whether a process holds the claim now. Probing opens the file exclusively for an instant, so it is only for claims
    /// whose takers wait (<see cref="AcquireWaiting"/>), never for ones a concurrent taker would give up on.
    /// </summary>
    public static bool IsHeld(string lockPath)
    {
        if (!File.Exists(lockPath)) return false;
        using var stream = TryOpen(lockPath);
        return stream is null;
    }

    private static FileStream? TryOpen(string lockPath)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(lockPath))!);
        try { return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
        catch (IOException) { return null; }
    }

    private static RunLock Claimed(string lockPath, FileStream stream)
    {
        Common.AtomicFile.WriteAllText(lockPath + HolderSuffix, $"pid {Environment.ProcessId}: {string.Join(' ', Environment.GetCommandLineArgs().Skip(1))}");
        return new RunLock(stream);
    }

    public const string HolderSuffix = ".holder";

    private static string ReadHolder(string holderPath)
    {
        try
        {
            string text = File.ReadAllText(holderPath).Trim();
            return text.Length > 0 ? $"process {text}" : "another process";
        }
        catch (IOException)
        {
            return "another process";
        }
    }

    public void Dispose() => _stream.Dispose();
}
