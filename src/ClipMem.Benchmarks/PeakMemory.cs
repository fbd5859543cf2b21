using System.Diagnostics;

namespace ClipMem.Benchmarks;

/// <summary>
/// Peak resident set size. On Linux the peak (VmHWM) can be reset by writing 5 to /proc/self/clear_refs,
/// which gives a peak per measured phase; elsewhere only the process-wide peak is known.
/// </summary>
public static class PeakMemory
{
    /// <summary>Resets the peak to the current RSS; false where the OS does not allow it.</summary>
    public static bool TryReset()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Peak RSS in bytes since start or the last successful <see cref="TryReset"/>.</summary>
    public static long PeakBytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0]) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }
}
