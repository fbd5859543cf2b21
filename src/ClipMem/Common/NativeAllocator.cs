using System.Runtime.InteropServices;

namespace ClipMem.Common;

/// <summary>
/// Keeps memory that libtorch frees inside the process for reuse. glibc hands freed blocks above its
/// mmap threshold, and free space at the top of a heap above its trim threshold, back to the kernel; a
/// training step frees and reallocates the same tens of megabytes of activations and gradients every
/// step, so each step faulted them in again (about 28,000 minor page faults a step on the bench's
/// reference model, 4-6 % of the step; `clipmem bench` records whether this is on). Pinning the
/// thresholds (mallopt, what MALLOC_MMAP_THRESHOLD_ and MALLOC_TRIM_THRESHOLD_ set) keeps those pages
/// mapped: the process's peak memory is unchanged, it just no longer shrinks between steps.
/// </summary>
public static class NativeAllocator
{
    private const int TrimThreshold = -1, TopPad = -2, MmapThreshold = -3;  // M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD

    // glibc caps the mmap threshold at 32 MB on 64-bit (DEFAULT_MMAP_THRESHOLD_MAX); larger blocks are still mapped per allocation.
    private const int MaxMmapThreshold = 32 << 20;

    private static readonly Lazy<bool> Applied = new(Apply);

    /// <summary>True when glibc accepted the settings (Linux with glibc); idempotent, process-wide.</summary>
    public static bool KeepFreedMemory() => Applied.Value;

    private static bool Apply()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return mallopt(MmapThreshold, MaxMmapThreshold) == 1
                & mallopt(TrimThreshold, 1 << 30) == 1
                & mallopt(TopPad, 64 << 20) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;  // not glibc (musl has no tunable thresholds): nothing to do
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int parameter, int value);
}
