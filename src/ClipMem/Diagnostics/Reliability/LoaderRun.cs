using ClipMem.Data;

namespace ClipMem.Diagnostics.Reliability;

/// <summary>How a loader met one input.</summary>
public enum InputOutcome
{
    /// <summary>Opened and every sample decoded.</summary>
    Loaded,
    /// <summary>Refused with a <see cref="DataFormatException"/> naming the file (and what the case expects: sample, problem).</summary>
    ClearError,
    /// <summary>Refused, but the message does not say what the case expects: the user would look in the wrong place.</summary>
    MisleadingError,
    /// <summary>Any other exception: a bug in the loader, not a report on the data.</summary>
    Crash,
    /// <summary>Still running after the time budget.</summary>
    Hang,
    /// <summary>Allocated more than the memory budget for an input of a few kilobytes.</summary>
    MemoryExceeded,
}

/// <summary>One input's outcome, the message (or the sample count when it loaded) and the managed bytes it allocated.</summary>
public sealed record InputTrial(InputOutcome Outcome, string Message, long AllocatedBytes);

/// <summary>
/// Runs a loader on one input the way a training run meets it (open the dataset, then decode every sample)
/// under a time and a memory budget, on a thread of its own so a hang is observed rather than suffered.
/// </summary>
public static class LoaderRun
{
    public static TimeSpan DefaultTimeBudget { get; } = TimeSpan.FromSeconds(20);

    /// <summary>Far above what a few-kilobyte input needs, far below what would hurt the machine; ImageLimits allow 40 MP (about 0.8 GB decoded).</summary>
    public const long DefaultMemoryBudget = 1L << 30;

    /// <param name="open">Opens the dataset (the loader under test).</param>
    /// <param name="mustMention">What a clear error names: the damaged file's name, and for a corpus case the sample and the problem.</param>
    public static InputTrial Run(Func<CaptionDataset> open, IReadOnlyList<string> mustMention, TimeSpan? timeBudget = null, long memoryBudget = DefaultMemoryBudget)
    {
        InputTrial? result = null;
        var worker = new Thread(() => result = Attempt(open, mustMention, memoryBudget), maxStackSize: 16 << 20) { IsBackground = true, Name = "loader-run" };
        worker.Start();
        var budget = timeBudget ?? DefaultTimeBudget;
        if (!worker.Join(budget)) return new InputTrial(InputOutcome.Hang, $"still running after {budget.TotalSeconds:F0} s", 0);
        return result!;
    }

    private static InputTrial Attempt(Func<CaptionDataset> open, IReadOnlyList<string> mustMention, long memoryBudget)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        long Allocated() => GC.GetAllocatedBytesForCurrentThread() - before;
        try
        {
            var dataset = open();
            int samples = InputFixtures.DecodeAll(dataset);
            long bytes = Allocated();
            return bytes > memoryBudget
                ? new InputTrial(InputOutcome.MemoryExceeded, $"{samples} samples loaded with {bytes:N0} bytes allocated", bytes)
                : new InputTrial(InputOutcome.Loaded, $"{samples} samples", bytes);
        }
        catch (DataFormatException e)
        {
            var missing = mustMention.Where(m => !e.Message.Contains(m, StringComparison.Ordinal)).ToList();
            return new InputTrial(missing.Count == 0 ? InputOutcome.ClearError : InputOutcome.MisleadingError,
                missing.Count == 0 ? e.Message : $"{e.Message} [does not mention {string.Join(", ", missing.Select(m => $"'{m}'"))}]", Allocated());
        }
        catch (OutOfMemoryException e)
        {
            return new InputTrial(InputOutcome.MemoryExceeded, e.Message, Allocated());
        }
        catch (Exception e)
        {
            return new InputTrial(InputOutcome.Crash, $"{e.GetType().FullName}: {e.Message}", Allocated());
        }
    }
}
