using System.Text;

namespace ClipMem.Common;

/// <summary>
/// Writes that never leave a half-written file behind: content goes to a temporary sibling and is
/// renamed over the target in one step, so a reader sees the old file or the new one, never a torn one.
/// </summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string contents) =>
        Write(path, stream => { using var w = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true); w.Write(contents); });

    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    public static void Write(string path, Action<Stream> writeContents)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = TemporarySibling(full);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                writeContents(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            throw Failed(full, e);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>
    /// A write that failed, named: the runtime's own message on a full disk or a file-size limit ("Specified file
    /// length was too large for the file system") names neither the file nor the cause.
    /// </summary>
    public static IOException Failed(string path, Exception e) => e as WriteFailedException ?? new WriteFailedException(path, e);

    /// <summary>"PATH.PID.GUID.tmp": the writer's pid in the name tells an orphan (its writer was killed) from a write in progress.</summary>
    public static string TemporarySibling(string path) => $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";

    /// <summary>
    /// Deletes the temporary files and folders (<see cref="TemporarySibling"/>) under a folder whose writing
    /// process no longer exists: a process killed mid-write leaves its temporary behind, and a run resumed
    /// many times would otherwise collect them. Returns how many were removed.
    /// </summary>
    public static int RemoveOrphans(string folder)
    {
        if (!Directory.Exists(folder)) return 0;
        int removed = 0;
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder, "*.tmp", SearchOption.AllDirectories).ToList())
        {
            if (WriterOf(entry) is not { } pid || IsRunning(pid)) continue;
            if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
            else File.Delete(entry);
            removed++;
        }
        return removed;
    }

    private static int? WriterOf(string temporary)
    {
        var parts = Path.GetFileName(temporary).Split('.');
        return parts.Length >= 4 && parts[^2].Length == 32 && int.TryParse(parts[^3], out int pid) ? pid : null;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

/// <summary>A write that failed, with the file and the likely cause in its message; wrapped once, however deep the write was.</summary>
public sealed class WriteFailedException(string path, Exception inner)
    : IOException($"{path} could not be written ({inner.Message}): is the disk full, or a file-size limit set? Its previous version, if any, is unchanged.", inner);
